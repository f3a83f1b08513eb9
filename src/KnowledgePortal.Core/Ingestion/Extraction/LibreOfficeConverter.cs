using System.Diagnostics;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Converts a legacy (.doc, .xls, .ppt, .rtf) or OpenDocument file to Office Open XML — or any Office file to PDF, for
/// citations that open at their page — with LibreOffice headless. Each
/// conversion is its own <c>soffice</c> process with its own fresh profile (so conversions never share an instance or a
/// lock, and run side by side), macros disabled in that profile, a time limit after which the whole process tree is
/// killed, and one temporary folder — input, output, profile and LibreOffice's own temporary files — removed afterwards,
/// whatever happened.
/// </summary>
internal static class LibreOfficeConverter
{
    /// <summary>The temporary folder of one conversion is named with this prefix (tests look for leftovers by it).</summary>
    public const string WorkFolderPrefix = "kp-soffice-";

    private const string SourceName = "source";

    /// <summary>
    /// The profile's settings: the highest macro security with macro execution switched off, and no loading of
    /// resources a document links to from outside.
    /// </summary>
    internal const string Registry = """
        <?xml version="1.0" encoding="UTF-8"?>
        <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
        </oor:items>
        """;

    /// <summary>Converts <paramref name="content"/> (a file of <paramref name="sourceExtension"/>, e.g. ".doc") to <paramref name="target"/>.</summary>
    /// <exception cref="ExtractionException">LibreOffice is missing, took longer than the limit, or could not convert the file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the process tree has been killed.</exception>
    public static byte[] Convert(byte[] content, string sourceExtension, ConversionTarget target, ExtractionLimits limits, CancellationToken ct) =>
        Convert(content, sourceExtension, target.Extension, $"{target.Extension}:{target.Filter}", limits, ct);

    /// <summary>Renders an Office file (any format LibreOffice reads) to PDF, with LibreOffice's export for its kind.</summary>
    public static byte[] ToPdf(byte[] content, string sourceExtension, ExtractionLimits limits, CancellationToken ct) =>
        Convert(content, sourceExtension, "pdf", "pdf", limits, ct);

    private static byte[] Convert(byte[] content, string sourceExtension, string outputExtension, string convertTo, ExtractionLimits limits,
        CancellationToken ct)
    {
        if (!File.Exists(limits.SofficePath))
            throw new ExtractionException(ExtractionFailure.Unsupported, IngestionMessages.ConverterMissing(limits.SofficePath));

        using var scratch = ScratchFolder.Create(WorkFolderPrefix);
        var work = scratch.Path;
        var profile = Path.Combine(work, "profile");
        Directory.CreateDirectory(Path.Combine(profile, "user"));
        File.WriteAllText(Path.Combine(profile, "user", "registrymodifications.xcu"), Registry);
        var input = Path.Combine(work, SourceName + sourceExtension);
        File.WriteAllBytes(input, content);
        var outDir = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;

        Run(StartInfo(limits.SofficePath, work, profile, input, outDir, convertTo), limits.ConversionTimeoutSeconds, ct);

        var output = new FileInfo(Path.Combine(outDir, SourceName + "." + outputExtension));
        // soffice exits 0 even when it could not load the file ("source file could not be loaded"): the output tells.
        if (!output.Exists || output.Length == 0) throw new ExtractionException(ExtractionFailure.Corrupt, IngestionMessages.ConversionFailed());
        if (output.Length > limits.MaxUncompressedBytes) throw new ExtractionException(ExtractionFailure.TooLarge, IngestionMessages.ConversionFailed());
        return File.ReadAllBytes(output.FullName);
    }

    private static ProcessStartInfo StartInfo(string soffice, string work, string profile, string input, string outDir, string convertTo)
    {
        var psi = new ProcessStartInfo(soffice)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true, // never onto ours: in an extraction child, stdout is the reply channel
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var a in new[]
                 {
                     "-env:UserInstallation=" + new Uri(profile).AbsoluteUri, "--headless", "--invisible", "--norestore",
                     "--nolockcheck", "--nodefault", "--nologo", "--convert-to", convertTo,
                     "--outdir", outDir, input,
                 })
            psi.ArgumentList.Add(a);
        // LibreOffice's temporary files and anything it keeps "at home" stay in the folder removed afterwards.
        psi.Environment["TMPDIR"] = work;
        psi.Environment["HOME"] = work;
        return psi;
    }

    private static void Run(ProcessStartInfo psi, int timeoutSeconds, CancellationToken ct)
    {
        using var process = Process.Start(psi) ?? throw new ExtractionException(ExtractionFailure.Corrupt, IngestionMessages.ConversionFailed());
        process.StandardInput.Close();
        // Drained so a chatty converter never blocks on a full pipe; the text itself is not needed.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        while (!process.WaitForExit(100))
        {
            if (!ct.IsCancellationRequested && clock.Elapsed.TotalSeconds < timeoutSeconds) continue;
            Kill(process);
            ct.ThrowIfCancellationRequested();
            throw new ExtractionException(ExtractionFailure.Timeout, IngestionMessages.ConversionTimeout(timeoutSeconds));
        }
        // A descendant that outlived soffice would hold the pipes open; it is not waited for.
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(5));
        if (process.ExitCode != 0) throw new ExtractionException(ExtractionFailure.Corrupt, IngestionMessages.ConversionFailed());
    }

    /// <summary>soffice starts oosplash, which starts soffice.bin: the whole tree goes, and is reaped.</summary>
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
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }
}
