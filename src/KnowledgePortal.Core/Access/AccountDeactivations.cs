namespace KnowledgePortal.Core.Access;

/// <summary>
/// In-process signal that an account was deactivated, so open sessions of this portal process (Blazor circuits) end
/// at once instead of at their next periodic check. Access resolution refuses deactivated accounts regardless.
/// </summary>
public sealed class AccountDeactivations
{
    public event Action<string>? Deactivated;

    public void Raise(string subject) => Deactivated?.Invoke(subject);
}
