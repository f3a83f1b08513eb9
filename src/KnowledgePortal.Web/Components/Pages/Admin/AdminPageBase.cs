using KnowledgePortal.Core.Access;
using KnowledgePortal.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace KnowledgePortal.Web.Components.Pages.Admin;

/// <summary>
/// Shared plumbing of the admin pages. The [Authorize] policy only decides whether the page opens; every change
/// re-resolves the user (<see cref="RequireAdminAsync"/>) before calling <see cref="AccessAdministration"/>, which
/// checks again.
/// </summary>
public abstract class AdminPageBase : ComponentBase
{
    [Inject] protected CurrentUser CurrentUser { get; set; } = default!;
    [Inject] protected AccessAdministration Admin { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> Strings { get; set; } = default!;
    [Inject] private IOptions<SignInOptions> AuthOptions { get; set; } = default!;

    /// <summary>The user as of page load, for display only; null while loading.</summary>
    protected UserAccess? Viewer { get; private set; }

    /// <summary>True when the live access check at load time said the user is no (longer an) admin.</summary>
    protected bool Denied => Viewer is { IsAdmin: false };

    protected override async Task OnInitializedAsync()
    {
        Viewer = await CurrentUser.GetAsync();
        if (!Viewer.IsAdmin) return;
        await LoadAsync();
    }

    /// <summary>Loads the page's data (only called for admins).</summary>
    protected abstract Task LoadAsync();

    /// <summary>The current user if they are an admin right now; otherwise shows "not allowed" and returns null.</summary>
    protected async Task<UserAccess?> RequireAdminAsync()
    {
        var actor = await CurrentUser.GetAsync();
        if (actor.IsAdmin) return actor;
        Snackbar.Add(Strings["NotAllowed"], Severity.Error);
        return null;
    }

    /// <summary>The signed-in admin's own claims, so a change that would grant them access can be audited as a self-grant.</summary>
    protected async Task<ExternalIdentity> ActorIdentityAsync()
    {
        var principal = await CurrentUser.PrincipalAsync();
        return PortalClaims.ToExternalIdentity(principal, AuthOptions.Value.GroupsClaim, AuthOptions.Value.RolesClaim);
    }

    /// <summary>Re-checks admin, runs the change and reports it; true when it succeeded.</summary>
    protected async Task<bool> ChangeAsync(Func<UserAccess, Task<AdminResult>> change, string successKey)
    {
        var actor = await RequireAdminAsync();
        if (actor is null) return false;
        try
        {
            var result = await change(actor);
            if (result.Succeeded)
            {
                Snackbar.Add(Strings[successKey], Severity.Success);
                return true;
            }
            Snackbar.Add(Strings["AdminError" + result.Error], Severity.Warning);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            Snackbar.Add(Strings["NotAllowed"], Severity.Error);
            return false;
        }
    }

    /// <summary>Re-checks admin and runs a read that the service also guards; default when refused.</summary>
    protected async Task<T?> QueryAsync<T>(Func<UserAccess, Task<T>> query)
    {
        var actor = await RequireAdminAsync();
        if (actor is null) return default;
        try
        {
            return await query(actor);
        }
        catch (UnauthorizedAccessException)
        {
            Snackbar.Add(Strings["NotAllowed"], Severity.Error);
            return default;
        }
    }
}
