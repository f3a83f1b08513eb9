namespace KnowledgePortal.Core.Domain;

/// <summary>How sensitive a collection is; decides which model providers may receive its passages.</summary>
public enum SensitivityLabel { Public = 0, Internal = 1, Confidential = 2, Secret = 3 }

public enum AccessLevel { Read = 0, Manage = 1 }

/// <summary>Portal-wide roles. Reader is implied for everyone signed in.</summary>
public enum PortalRole { Reader = 0, KnowledgeManager = 1, Admin = 2 }

/// <summary>What an external claim value is matched against.</summary>
public enum GroupMappingKind
{
    /// <summary>A value of the groups claim: an Entra group object id, or an OIDC / development group name.</summary>
    ExternalGroup = 0,
    /// <summary>A value of the roles claim (Entra app role or OIDC role).</summary>
    AppRole = 1,
}

public enum DocumentStatus { Queued = 0, Extracting = 1, Chunking = 2, Embedding = 3, Ready = 4, Failed = 5, Cancelled = 6 }

public enum JobStatus { Queued = 0, Running = 1, Succeeded = 2, Failed = 3, Cancelled = 4 }

public enum ProviderKind { Extractive = 0, OpenAI = 1, AzureOpenAI = 2, OpenAICompatible = 3 }

public enum ProviderLocation { Cloud = 0, OnPremises = 1 }

/// <summary>Lifecycle of a model-lab run. A run left Running by a stopped process is shown as interrupted (see ModelLab).</summary>
public enum LabRunStatus { Running = 0, Completed = 1, Cancelled = 2, Failed = 3 }
