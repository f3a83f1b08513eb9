namespace KnowledgePortal.Web.Components.Pages.Admin.Collections;

/// <summary>A group's level as the grants editor offers it: none, or one of the two grant levels.</summary>
public enum GrantChoice { None, Read, Manage }
