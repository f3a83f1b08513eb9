using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using KnowledgePortal.Core.Text;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>How to start this application as an extraction child: <c>FileName Arguments… extract-file</c>.</summary>
public sealed record ExtractionHost(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The argument that makes the portal binary serve one extraction on stdin / stdout and exit.</summary>
    public const string Command = "extract-file";

    /// <summary>The running application (<paramref name="entryAssemblyPath"/>) started again, or null when no way to start it is known.</summary>
    public static ExtractionHost? ForEntryAssembly(string entryAssemblyPath) => Resolve(
        entryAssemblyPath, Environment.ProcessPath, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
        RuntimeEnvironment.GetRuntimeDirectory(), File.Exists);

    /// <summary>
    /// A self-contained or app-host start runs the same executable; otherwise the dotnet host runs the assembly: the
    /// current process when it is dotnet, else DOTNET_HOST_PATH (set by the SDK), else the host above the shared runtime.
    /// </summary>
    internal static ExtractionHost? Resolve(string entryAssemblyPath, string? processPath, string? hostPathVariable,
        string runtimeDirectory, Func<string, bool> exists)
    {
        if (string.IsNullOrEmpty(entryAssemblyPath) || !exists(entryAssemblyPath)) return null;
        var name = Path.GetFileNameWithoutExtension(entryAssemblyPath);
        if (processPath is not null && Path.GetFileName(processPath) is var exe && (exe == name || exe == name + ".exe"))
            return new(processPath, []);
        var hostName = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        string?[] candidates =
        [
            processPath is not null && Path.GetFileName(processPath) == hostName ? processPath : null,
            hostPathVariable,
            // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
            Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", "..", hostName)),
        ];
        var host = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && exists(c!));
        return host is null ? null : new(host, [entryAssemblyPath]);
    }
}

/// <summary>
/// Runs <see cref="DocumentExtractor.Extract"/> in a child process that is killed when the time is up, so a file that
/// keeps PdfPig or the OpenXml SDK busy (neither can be interrupted) stops costing CPU the moment it fails.
/// Protocol: stdin carries one JSON line (file name, limits) and then the file's bytes; stdout carries one JSON
/// <see cref="Reply"/>; stderr carries a line per OCR page (<see cref="ProgressPrefix"/> done total), each of which
/// extends the time allowed by a page's time once the number of pages to recognise is known. A child that dies (stack
/// overflow, out of memory) fails only its file.
/// </summary>
public static class IsolatedExtraction
{
    public static readonly string CrashedMessage = IngestionMessages.ReaderCrashed().Text;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Starts the child's progress lines on stderr, where anything else (a crash report) is ignored.</summary>
    internal const string ProgressPrefix = "kp-ocr-progress ";

    private sealed record Request(string FileName, ExtractionLimits Limits);

    /// <summary>The failure travels as its message code and arguments too, so the parent can store them.</summary>
    private sealed record Reply(ExtractionResult? Result, ExtractionFailure? Failure, string? Message,
        string? Code = null, Dictionary<string, string>? Args = null);

    /// <summary>
    /// True for files read by third-party parsers (PDF, zip / Office Open XML / OpenDocument) or converted by
    /// LibreOffice (compound files, RTF): the ones worth a child process.
    /// </summary>
    public static bool IsWorthIsolating(byte[] content)
    {
        return FileSniffer.IsZip(content) || FileSniffer.IsPdf(content) || FileSniffer.IsCompoundFile(content) || FileSniffer.IsRtf(content);
    }

    /// <exception cref="ExtractionException">The file cannot be indexed (as in-process), or the child died reading it.</exception>
    /// <exception cref="TimeoutException"><paramref name="timeout"/> ran out; the child has been killed and reaped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the child has been killed.</exception>
    /// <param name="timeout">The file's time; once the child says how many pages it recognises, each adds a page's time
    /// (<see cref="ExtractionDeadline"/>).</param>
    /// <param name="progress">Called (on a pool thread) after each page the child recognised.</param>
    public static async Task<ExtractionResult> RunAsync(ExtractionHost host, byte[] content, string fileName, ExtractionLimits limits,
        TimeSpan timeout, CancellationToken ct, Action<OcrProgress>? progress = null)
    {
        var psi = new ProcessStartInfo(host.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in host.Arguments) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(ExtractionHost.Command);
        // One file, one thread of work: workstation GC keeps the child small.
        psi.Environment["DOTNET_gcServer"] = "0";
        // The child's temporary files (a LibreOffice conversion's folder) live here and go with it, even when it is killed.
        using var scratch = ScratchFolder.Create("kp-extract-");
        psi.Environment["TMPDIR"] = scratch.Path;

        using var deadline = new ExtractionDeadline(timeout, limits, ct);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("The extraction process could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = ReadProgressAsync(process.StandardError, p =>
        {
            deadline.Extend(p);
            progress?.Invoke(p);
        });
        try
        {
            try
            {
                var input = process.StandardInput.BaseStream;
                await input.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Request(fileName, limits), Json) + "\n"), deadline.Token);
                await input.WriteAsync(content, deadline.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child stopped reading: it died, and its exit code tells below.
            }
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None); // reaped: no CPU, no zombie
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException("Extraction timed out.");
        }

        var output = await stdout;
        await stderr;
        Reply? reply = null;
        try
        {
            if (process.ExitCode == 0) reply = JsonSerializer.Deserialize<Reply>(output, Json);
        }
        catch (JsonException)
        {
        }
        if (reply?.Result is { } result) return result;
        if (reply is { Failure: { } failure, Message: { } message })
            throw new ExtractionException(failure, reply.Code is { Length: > 0 } code
                ? new PortalMessage(code, message, reply.Args ?? new Dictionary<string, string>())
                : IngestionMessages.ForKind(failure, message));
        throw new ExtractionException(ExtractionFailure.Corrupt, IngestionMessages.ReaderCrashed());
    }

    /// <summary>The child's side: reads one request from <paramref name="input"/>, writes the reply to <paramref name="output"/>
    /// and OCR progress to <paramref name="progressOutput"/>.</summary>
    public static async Task<int> ServeAsync(Stream input, Stream output, TextWriter? progressOutput = null)
    {
        var header = new MemoryStream();
        int b;
        while ((b = input.ReadByte()) is not -1 and not '\n') header.WriteByte((byte)b);
        var request = JsonSerializer.Deserialize<Request>(header.ToArray(), Json)
                      ?? throw new InvalidOperationException("No extraction request on stdin.");
        var content = new MemoryStream();
        await input.CopyToAsync(content);

        Reply reply;
        try
        {
            // No token: the parent kills this process when the time is up.
            reply = new Reply(DocumentExtractor.Extract(content.ToArray(), request.FileName, request.Limits,
                progress: progressOutput is null ? null : p => WriteProgress(progressOutput, p)), null, null);
        }
        catch (ExtractionException e)
        {
            reply = new Reply(null, e.Failure, e.Message, e.Detail.Code, e.Detail.Args.ToDictionary());
        }
        await JsonSerializer.SerializeAsync(output, reply, Json);
        await output.FlushAsync();
        return 0;
    }

    private static void WriteProgress(TextWriter writer, OcrProgress p)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProgressPrefix}{p.Done} {p.Total}"));
        writer.Flush();
    }

    /// <summary>Reads the child's stderr to its end, passing progress lines on.</summary>
    private static async Task ReadProgressAsync(StreamReader stderr, Action<OcrProgress> onProgress)
    {
        while (await stderr.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (!line.StartsWith(ProgressPrefix, StringComparison.Ordinal)) continue;
            var parts = line[ProgressPrefix.Length..].Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var done)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total) && done <= total)
                onProgress(new OcrProgress(done, total));
        }
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
