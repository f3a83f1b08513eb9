using System.Diagnostics;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Extraction;
using static KnowledgePortal.Tests.Extraction.ExtractionTestSupport;

namespace KnowledgePortal.Tests.Extraction;

/// <summary>
/// The converter's process, profile and folder, with stand-in <c>soffice</c> scripts (via Ingestion:SofficePath) that
/// hang, write nothing or record what they were given.
/// </summary>
public sealed class LibreOfficeConverterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kp-fake-soffice-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Extract_ConverterHangs_TreeKilledFolderRemovedAndFailsWithTheConversionTimeout()
    {
        // The script records its arguments and the profile it was given, then waits on a grandchild that sleeps.
        var soffice = FakeSoffice($"""
            printf '%s\n' "$@" > "{_dir.FullName}/args"
            for a in "$@"; do case "$a" in -env:UserInstallation=file://*) cp "${"{"}a#-env:UserInstallation=file://{"}"}/user/registrymodifications.xcu" "{_dir.FullName}/registry";; esac; done
            sleep 60 &
            echo $! > "{_dir.FullName}/grandchild"
            wait
            """);
        var clock = Stopwatch.StartNew();

        var ex = AssertFails(ExtractionFailure.Timeout, "en_feature_sampler.doc", new ExtractionLimits { SofficePath = soffice, ConversionTimeoutSeconds = 2 });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(IngestionMessages.ConversionTimeout(2).Code, ex.Detail.Code);
        Assert.Contains("Ingestion:ConversionTimeoutSeconds", ex.Message);
        var args = File.ReadAllLines(Path.Combine(_dir.FullName, "args"));
        var profile = new Uri(args.Single(a => a.StartsWith("-env:UserInstallation=", StringComparison.Ordinal))["-env:UserInstallation=".Length..]).LocalPath;
        var work = Path.GetDirectoryName(profile)!;
        Assert.StartsWith(LibreOfficeConverter.WorkFolderPrefix, Path.GetFileName(work));
        Assert.False(Directory.Exists(work), $"{work} was left behind");
        Assert.False(IsRunning(int.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "grandchild")).Trim())), "the converter's child still runs");
        Assert.Contains("--headless", args);
        Assert.Contains("docx:MS Word 2007 XML", args);
        // Macros off in the profile LibreOffice is pointed at.
        var registry = File.ReadAllText(Path.Combine(_dir.FullName, "registry"));
        Assert.Contains("""<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>""", registry);
        Assert.Contains("""<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop>""", registry);
    }

    [Fact]
    public void Extract_ConverterWritesNothing_FailsAsUnconvertibleAndRemovesItsFolder()
    {
        var soffice = FakeSoffice($"""
            printf '%s\n' "$@" > "{_dir.FullName}/args"
            echo "Error: source file could not be loaded"
            exit 0
            """);

        var ex = AssertFails(ExtractionFailure.Corrupt, "ja_multisheet_16.xls", new ExtractionLimits { SofficePath = soffice });

        Assert.Equal(IngestionMessages.ConversionFailed().Code, ex.Detail.Code);
        var outDir = File.ReadAllLines(Path.Combine(_dir.FullName, "args")).SkipWhile(a => a != "--outdir").Skip(1).First();
        Assert.False(Directory.Exists(Path.GetDirectoryName(outDir)));
    }

    [Fact]
    public void Extract_ConverterCrashes_FailsAsUnconvertible()
    {
        var soffice = FakeSoffice("kill -SEGV $$");

        var ex = AssertFails(ExtractionFailure.Corrupt, "en_feature_sampler.odp", new ExtractionLimits { SofficePath = soffice });

        Assert.Equal(IngestionMessages.ConversionFailed().Code, ex.Detail.Code);
        Assert.False(IngestionMessages.CanRetry(ex.Detail.Code));
    }

    [Fact]
    public async Task Extract_CancelledDuringConversion_StopsPromptlyAndKillsTheConverter()
    {
        var soffice = FakeSoffice($"""
            echo $$ > "{_dir.FullName}/pid"
            sleep 60
            """);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() =>
            DocumentExtractor.Extract(Corpus("en_feature_sampler.rtf"), "a.rtf", new ExtractionLimits { SofficePath = soffice }, cts.Token)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.False(IsRunning(int.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "pid")).Trim())));
    }

    private string FakeSoffice(string body)
    {
        var path = Path.Combine(_dir.FullName, "soffice");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Alive: listed in /proc and neither a zombie nor dead (a killed, unreaped child counts as gone).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
