using System.Globalization;
using System.Text.Json;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Api;
using KnowledgePortal.Web.Auth;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Cli;

/// <summary>
/// `./portal token create --as USER [--scopes search,ask] [--days N] [--name NAME] [--json]`, `token list --as USER [--json]`
/// and `token revoke ID [--as USER]`: personal API tokens for scripts, through the same <see cref="ApiTokens"/> service
/// (and audit) as the API tokens page. The token is printed once, alone on stdout.
/// </summary>
public static class TokenCommand
{
    private const string Usage = "usage: ./portal token create --as <user> [--scopes search,ask] [--days N] [--name NAME] [--json]\n" +
                                 "       ./portal token list --as <user> [--json]\n" +
                                 "       ./portal token revoke <id> [--as <user>] [--json]";

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a) => a.Positional.FirstOrDefault() switch
    {
        "create" => await CreateAsync(services, a),
        "list" => await ListAsync(services, a),
        "revoke" => await RevokeAsync(services, a),
        _ => throw new CliException(Usage),
    };

    private static async Task<int> CreateAsync(IServiceProvider services, CliArgs a)
    {
        var userName = a.Get("as") ?? throw new CliException("--as <user> is required: whose token is it?");
        var owner = await OwnerAsync(services, userName);
        int? days = a.Get("days") is { } d ? int.TryParse(d, CultureInfo.InvariantCulture, out var n) ? n : throw new CliException("--days needs a whole number") : null;
        var name = a.Get("name") ?? $"command line {DateTime.UtcNow:yyyy-MM-dd HH:mm}";
        var result = await services.GetRequiredService<ApiTokens>().CreateAsync(owner, name, [a.Get("scopes") ?? string.Join(',', ApiTokenScopes.All)], days);
        if (!result.Succeeded) throw new CliException(result.Error switch
        {
            AdminErrors.InvalidTokenScopes => "--scopes must list search and/or ask, e.g. --scopes search,ask",
            AdminErrors.InvalidTokenDays => $"--days must be between 1 and {services.GetRequiredService<IOptions<ApiTokenOptions>>().Value.MaxDays} (Tokens:MaxDays)",
            AdminErrors.TokenLimit => $"{userName} already has as many active tokens as allowed (Tokens:MaxActivePerUser); revoke one first",
            AdminErrors.UnknownUser => $"Unknown user '{userName}': they must have signed in at least once (or use a demo user in Development).",
            var error => $"The token was not created: {error}",
        });
        var created = result.Value!;
        if (a.Has("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { token = created.Secret, details = TokenEndpoints.ToDto(created.Token, DateTimeOffset.UtcNow) }, PortalApi.Json));
            return 0;
        }
        Console.WriteLine(created.Secret);
        Console.Error.WriteLine($"Token '{created.Token.Name}' for {created.Token.Owner} ({string.Join(", ", created.Token.Scopes)}), " +
                                $"expires {created.Token.ExpiresAt:yyyy-MM-dd HH:mm} UTC. It is shown only this once; send it as 'Authorization: Bearer <token>'.");
        return 0;
    }

    private static async Task<int> ListAsync(IServiceProvider services, CliArgs a)
    {
        var owner = await PortalCli.ResolveUserAsync(services, a.Get("as"), required: true);
        var now = DateTimeOffset.UtcNow;
        var tokens = (await services.GetRequiredService<ApiTokens>().ListAsync(owner)).Select(t => TokenEndpoints.ToDto(t, now)).ToList();
        if (a.Has("json")) Console.WriteLine(JsonSerializer.Serialize(tokens, PortalApi.Json));
        else if (tokens.Count == 0) Console.WriteLine($"{owner.UserName} has no tokens.");
        else
            foreach (var t in tokens)
                Console.WriteLine($"{t.Id}  {t.Prefix}…  {t.Name}  [{string.Join(",", t.Scopes)}]  {t.Status}, expires {t.ExpiresAt:yyyy-MM-dd}" +
                                  (t.LastUsedAt is { } used ? $", last used {used:yyyy-MM-dd HH:mm} UTC" : ""));
        return 0;
    }

    /// <summary>Without --as the operator revokes as the system (like an administrator, audited as "system").</summary>
    private static async Task<int> RevokeAsync(IServiceProvider services, CliArgs a)
    {
        if (a.Positional.Count < 2 || !Guid.TryParse(a.Positional[1], out var id)) throw new CliException(Usage);
        var actor = await PortalCli.ResolveUserAsync(services, a.Get("as"), required: false);
        var result = await services.GetRequiredService<ApiTokens>().RevokeAsync(actor, id);
        if (a.Has("json")) Console.WriteLine(JsonSerializer.Serialize(new { id, revoked = result.Succeeded }, PortalApi.Json));
        else Console.WriteLine(result.Succeeded ? $"Token {id} is revoked." : $"No token {id} that {actor.UserName} may revoke.");
        return result.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// The token's owner: a known user, or a demo user in Development, who is recorded first (as a sign-in would) so
    /// the token has groups to map.
    /// </summary>
    private static async Task<UserAccess> OwnerAsync(IServiceProvider services, string userName)
    {
        var env = services.GetRequiredService<IHostEnvironment>();
        var auth = services.GetRequiredService<IOptions<SignInOptions>>().Value;
        if (env.IsDevelopment() && auth.FindDevelopmentUser(userName) is { } demo)
            await ActivatorUtilities.CreateInstance<SignInRecorder>(services).RecordAsync(demo.ToIdentity(), "command-line");
        return await PortalCli.ResolveUserAsync(services, userName, required: true);
    }
}
