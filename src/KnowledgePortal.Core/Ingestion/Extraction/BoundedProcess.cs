using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Runs an external tool (pdftoppm, tesseract) so that it cannot outlive its budget: the process and its children are
/// killed when <c>timeout</c> runs out, when the caller cancels, or when stdout grows past its cap; stderr is kept only
/// as a short head for messages. Synchronous, for the extraction thread.
/// </summary>
internal static class BoundedProcess
{
    private const int StderrKeptChars = 2000;

    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the process has been killed.</exception>
    public static ToolRun Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, long maxStdoutBytes, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException)
        {
            return new ToolRun(ToolOutcome.NotStarted, -1, [], e.Message);
        }
        if (process is null) return new ToolRun(ToolOutcome.NotStarted, -1, [], $"{Path.GetFileName(fileName)} could not be started");

        using (process)
        {
            process.StandardInput.Close();
            var overflow = false;
            var stdout = Task.Run(() => ReadCapped(process.StandardOutput.BaseStream, maxStdoutBytes, () => overflow = true), CancellationToken.None);
            var stderr = Task.Run(() => ReadHead(process.StandardError), CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var outcome = ToolOutcome.Exited;
            while (!process.WaitForExit(50))
            {
                if (ct.IsCancellationRequested || clock.Elapsed > timeout || overflow)
                {
                    Kill(process);
                    if (ct.IsCancellationRequested) ct.ThrowIfCancellationRequested();
                    outcome = overflow ? ToolOutcome.OutputTooLarge : ToolOutcome.TimedOut;
                    break;
                }
            }
            process.WaitForExit(); // reaped, and the pipes drained to their end
            var output = stdout.GetAwaiter().GetResult();
            if (overflow) outcome = ToolOutcome.OutputTooLarge;
            return new ToolRun(outcome, outcome == ToolOutcome.Exited ? process.ExitCode : -1, output, stderr.GetAwaiter().GetResult());
        }
    }

    private static byte[] ReadCapped(Stream stream, long max, Action overflowed)
    {
        var buffer = new byte[81920];
        using var kept = new MemoryStream();
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (kept.Length + n > max)
            {
                overflowed();
                // Keep draining so the tool is not blocked on a full pipe before it is killed.
                while (stream.Read(buffer, 0, buffer.Length) > 0) { }
                return [];
            }
            kept.Write(buffer, 0, n);
        }
        return kept.ToArray();
    }

    private static string ReadHead(StreamReader reader)
    {
        var head = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            if (head.Length < StderrKeptChars) head.Append(buffer, 0, Math.Min(n, StderrKeptChars - head.Length));
        return head.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }
}
