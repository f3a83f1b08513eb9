namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>How one run of an external tool ended.</summary>
/// <param name="ExitCode">The exit code when <see cref="Outcome"/> is <see cref="ToolOutcome.Exited"/>; -1 otherwise.</param>
/// <param name="Stderr">The start of what the tool wrote to stderr (or why it could not be started).</param>
internal sealed record ToolRun(ToolOutcome Outcome, int ExitCode, byte[] Stdout, string Stderr)
{
    public bool Succeeded => Outcome == ToolOutcome.Exited && ExitCode == 0;

    /// <summary>The tool's first line of complaint, for a warning: its stderr, else the exit code.</summary>
    public string Problem
    {
        get
        {
            var line = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            line ??= Outcome == ToolOutcome.Exited ? $"exit code {ExitCode}" : Outcome.ToString();
            return line.Length > 200 ? line[..200] : line;
        }
    }
}
