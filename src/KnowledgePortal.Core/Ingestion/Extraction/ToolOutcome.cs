namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>How a <see cref="BoundedProcess"/> run ended.</summary>
internal enum ToolOutcome { Exited, TimedOut, OutputTooLarge, NotStarted }
