using System.Threading.RateLimiting;
using KnowledgePortal.Core.Access;

namespace KnowledgePortal.Web.Hosting;

/// <summary>
/// The one per-user budget for questions and uploads, spent alike by the chat page (Blazor events never pass through
/// HTTP middleware) and by /api/ask and /api/search, so a user cannot double it by switching between them. Keyed by
/// <see cref="UserAccess.UserId"/>: the object id of a person, "app:" + client id of an application (app-only token).
/// </summary>
public sealed class UserRateLimiter(int asksPerMinute, int uploadsPerMinute)
{
    private readonly PartitionedRateLimiter<string> _asks = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions { PermitLimit = asksPerMinute, Window = TimeSpan.FromMinutes(1) }));
    private readonly PartitionedRateLimiter<string> _uploads = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions { PermitLimit = uploadsPerMinute, Window = TimeSpan.FromMinutes(1) }));

    public bool TryAsk(UserAccess user) => !string.IsNullOrEmpty(user.UserId) && _asks.AttemptAcquire(user.UserId).IsAcquired;
    public bool TryUpload(UserAccess user) => !string.IsNullOrEmpty(user.UserId) && _uploads.AttemptAcquire(user.UserId).IsAcquired;
}
