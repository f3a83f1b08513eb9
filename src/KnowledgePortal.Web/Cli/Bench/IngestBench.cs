using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Demo;
using KnowledgePortal.Core.Ingestion;
using KnowledgePortal.Core.Ingestion.Chunking;
using KnowledgePortal.Core.Ingestion.Embedding;
using KnowledgePortal.Core.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace KnowledgePortal.Web.Cli.Bench;

/// <summary>
/// `./portal bench ingest`: extraction (PDF next to poppler's pdftotext, DOCX), OCR of scanned pages and images,
/// chunking and built-in embedding throughput in-process, then the whole pipeline end to end through the intake and the
/// ingestion worker.
/// </summary>
public static class IngestBench
{
    private const string CorpusFolder = "tests/KnowledgePortal.Tests/TestFiles/corpus";
    private const int EmbedBatch = 64;
    private const string JapaneseTextPdf = "ja_regulation_text.pdf";

    private sealed record BenchFile(string Name, string Path, byte[] Content, string Source);

    private sealed record Extracted(BenchFile File, ExtractionResult Result, long Characters);

    public static async Task<int> RunAsync(IServiceProvider services, CliArgs a, CancellationToken ct)
    {
        var json = a.Has("json");
        var repeat = BenchCommand.IntOption(a, "repeat", 3, 1, 50);
        var ingestion = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
        // The text figures are the text layer's: scans are measured apart, with OCR on whatever the configuration says.
        var limits = ingestion.ToLimits() with { OcrEnabled = false };
        var ocrLimits = ingestion.ToLimits() with { OcrEnabled = true };
        var tempDir = Path.Combine(Path.GetTempPath(), $"kp-bench-{Environment.ProcessId}");
        try
        {
            await BenchScratch.RemoveLeftoversAsync(services, ct);
            var (files, origin) = CollectFiles(services, a.Get("files"), tempDir);
            if (files.Count == 0) throw new CliException("No PDF, DOCX or image files to benchmark.");
            Log($"Selecting inputs: {files.Count} PDF/DOCX/image files ({origin})");

            // Pass 0 picks the files that extract successfully and warms up the JIT; it is not timed.
            var extracted = new List<Extracted>();
            var skipped = new List<SkippedFile>();
            var scans = new List<BenchFile>();
            foreach (var f in files)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var r = DocumentExtractor.Extract(f.Content, f.Name, limits, ct);
                    if (r.DetectedType is not ("pdf" or "docx")) { skipped.Add(new SkippedFile(f.Name, $"detected as {r.DetectedType}")); continue; }
                    extracted.Add(new Extracted(f, r, r.Blocks.Sum(b => (long)b.Text.Length)));
                }
                catch (ExtractionException ex)
                {
                    if (ex.Failure == ExtractionFailure.NoTextLayer) scans.Add(f); // scanned PDFs and images: the OCR measurement's
                    else skipped.Add(new SkippedFile(f.Name, ex.Message));
                }
            }
            // Scans made here: the demo's memo (English) and, from the corpus, a Japanese regulation page scanned at 300 dpi.
            if (DemoScan.TryBuild(ocrLimits, ct) is { } demoScan)
                scans.Add(new BenchFile(demoScan.FileName, Path.Combine(tempDir, demoScan.FileName), demoScan.Content, "demo"));
            if (files.FirstOrDefault(f => f.Name == JapaneseTextPdf) is { } japanese && DemoScan.Scan(japanese.Content, 300, ocrLimits, ct, 1) is { } jaScan)
                scans.Add(new BenchFile("scan-of-" + JapaneseTextPdf, Path.Combine(tempDir, "scan-of-" + JapaneseTextPdf), jaScan, "corpus, scanned here"));
            var ocr = MeasureOcr(scans, ocrLimits, repeat, skipped, ct);
            var pdfs = extracted.Where(e => e.Result.DetectedType == "pdf").ToList();
            var docxs = extracted.Where(e => e.Result.DetectedType == "docx").ToList();
            var pdfPages = pdfs.Sum(e => e.Result.PageCount);
            var docxChars = docxs.Sum(e => e.Characters);

            // Extraction, measured per format, with the memory of the whole extraction phase.
            Log($"Extraction: {pdfs.Count} PDFs ({pdfPages} pages), {docxs.Count} DOCX; {repeat} repetitions");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var peakReset = TryResetPeakWorkingSet();
            var workingSetBefore = WorkingSet().Current;
            var ourPdf = new List<double>();
            var docxRate = new List<double>();
            long pdfPasses = 0, docxPasses = 0, pdfAllocated = 0, docxAllocated = 0;
            for (var r = 0; r < repeat; r++)
            {
                if (pdfs.Count > 0)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    ourPdf.Add(BenchCommand.Rate(() =>
                    {
                        foreach (var e in pdfs) DocumentExtractor.Extract(e.File.Content, e.File.Name, limits, ct);
                        pdfPasses++;
                        return pdfPages;
                    }));
                    pdfAllocated += GC.GetTotalAllocatedBytes(precise: true) - before;
                }
                if (docxs.Count > 0)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    docxRate.Add(BenchCommand.Rate(() =>
                    {
                        foreach (var e in docxs) DocumentExtractor.Extract(e.File.Content, e.File.Name, limits, ct);
                        docxPasses++;
                        return docxs.Count;
                    }));
                    docxAllocated += GC.GetTotalAllocatedBytes(precise: true) - before;
                }
            }
            var (_, peak) = WorkingSet();

            var pdftotext = FindOnPath("pdftotext");
            var popplerRate = new List<double>();
            string? popplerNote = null;
            if (pdfs.Count > 0 && pdftotext is null)
            {
                popplerNote = "pdftotext not found (Debian: apt-get install poppler-utils); our figures only";
            }
            else if (pdfs.Count > 0)
            {
                var failures = RunPdftotext(pdftotext!, pdfs, ct); // warm-up: page cache, binary, fonts
                if (failures.Count > 0) popplerNote = $"pdftotext exited non-zero on {string.Join(", ", failures)} (timed anyway)";
                for (var r = 0; r < repeat; r++)
                    popplerRate.Add(BenchCommand.Rate(() => { RunPdftotext(pdftotext!, pdfs, ct); return pdfPages; }));
            }

            // Chunking and embedding over what the extraction produced.
            var counter = services.GetRequiredService<ITokenCounter>();
            var chunking = new ChunkingOptions { MaxTokens = ingestion.ChunkTokens, OverlapTokens = ingestion.ChunkOverlapTokens };
            var results = extracted.Select(e => e.Result).ToList();
            var chunks = results.SelectMany(r => Chunker.Chunk(r.Blocks, chunking, counter)).ToList(); // warm-up and the chunks to embed
            Log($"Chunker: {chunks.Count} chunks; embedder: {HashingEmbeddingGenerator.ModelId}, batch {EmbedBatch}");
            var chunkRate = new List<double>();
            for (var r = 0; r < repeat; r++)
                chunkRate.Add(BenchCommand.Rate(() =>
                {
                    ct.ThrowIfCancellationRequested();
                    return results.Sum(res => Chunker.Chunk(res.Blocks, chunking, counter).Count);
                }));

            using var embedder = new HashingEmbeddingGenerator();
            var inputs = chunks.Select(c => IngestionPipeline.EmbeddingText(c.Context, c.Text)).ToList();
            var embedRate = new List<double>();
            if (inputs.Count > 0)
            {
                await EmbedAllAsync(embedder, inputs, ct);
                for (var r = 0; r < repeat; r++)
                    embedRate.Add(await BenchCommand.RateAsync(() => EmbedAllAsync(embedder, inputs, ct)));
            }

            // End to end: intake + worker into a scratch collection, once per repetition.
            Log($"End to end: importing {extracted.Count} files through the intake and the ingestion worker, {repeat} times");
            var e2e = new List<ImportTotals>();
            for (var r = 0; r < repeat; r++)
                e2e.Add(await ImportOnceAsync(services, extracted.Select(e => e.File.Path).ToList(), ct));

            var report = new IngestReport(
                Date: DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
                Machine: BenchCommand.Machine(),
                Repeat: repeat,
                Inputs: new InputsReport(origin, pdfs.Count, docxs.Count, skipped),
                Pdf: new PdfReport(pdfs.Count, pdfPages,
                    R(BenchCommand.Median(ourPdf)),
                    popplerRate.Count == 0 ? null : R(BenchCommand.Median(popplerRate)),
                    popplerRate.Count == 0 ? null : Math.Round(BenchCommand.Median(ourPdf) / BenchCommand.Median(popplerRate), 3),
                    popplerNote),
                Docx: new DocxReport(docxs.Count, docxChars,
                    R(BenchCommand.Median(docxRate)),
                    R(BenchCommand.Median(docxRate) * (docxs.Count == 0 ? 0 : (double)docxChars / docxs.Count), 0)),
                ExtractionMemory: new MemoryReport(
                    Mb(peak), Mb(workingSetBefore), peakReset ? "extraction phase" : "process lifetime (the peak could not be reset)",
                    R(pdfAllocated / (1024.0 * 1024) / Math.Max(1, pdfPasses)),
                    R(docxAllocated / (1024.0 * 1024) / Math.Max(1, docxPasses))),
                Chunker: new RateReport(chunks.Count, R(BenchCommand.Median(chunkRate))),
                Ocr: ocr,
                Embedder: new EmbedderReport(HashingEmbeddingGenerator.ModelId, EmbedBatch, inputs.Count, R(BenchCommand.Median(embedRate))),
                EndToEnd: new EndToEndReport(
                    Files: e2e[0].Files, Pages: e2e[0].Pages, Chunks: e2e[0].Chunks, Failures: e2e.Max(t => t.Failures),
                    Seconds: R(BenchCommand.Median(e2e.Select(t => t.Seconds).ToList()), 2),
                    PagesPerS: R(BenchCommand.Median(e2e.Select(t => t.PagesPerSecond).ToList())),
                    FilesPerS: R(BenchCommand.Median(e2e.Select(t => t.Seconds > 0 ? t.Files / t.Seconds : 0).ToList()))));

            if (json) Console.WriteLine(JsonSerializer.Serialize(report, JsonOut));
            else Print(report);
            return 0;
        }
        finally
        {
            try { if (Directory.Exists(tempDir)) Directory.Delete(tempDir, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<ImportTotals> ImportOnceAsync(IServiceProvider services, IReadOnlyList<string> paths, CancellationToken ct)
    {
        var collectionId = await BenchScratch.CreateCollectionAsync(services, $"bench-{BenchScratch.Timestamp()}-{Guid.NewGuid().ToString("N")[..6]}", ct);
        try
        {
            var result = await Importer.ImportAsync(services, UserAccess.System([collectionId]) with { UserName = "bench" }, collectionId, paths,
                wait: true, progress: false, ct);
            foreach (var f in result.Files.Where(f => f.Status != "ready"))
                Console.Error.WriteLine($"  end to end: {Path.GetFileName(f.Path)} {f.Status}{(f.Reason is null ? "" : ": " + f.Reason)}");
            return result.Totals;
        }
        finally
        {
            await BenchScratch.RemoveCollectionAsync(services, collectionId, CancellationToken.None);
        }
    }

    /// <summary>
    /// OCR pages/s: scanned PDFs (rendered by pdftoppm) and images through <see cref="DocumentExtractor.Extract"/> with OCR
    /// on; pages = pages recognised. A first pass keeps the files that OCR reads; those it cannot are listed as skipped.
    /// </summary>
    private static OcrReport MeasureOcr(List<BenchFile> scans, ExtractionLimits limits, int repeat, List<SkippedFile> skipped, CancellationToken ct)
    {
        var languages = string.IsNullOrWhiteSpace(limits.OcrVerticalLanguages) ? limits.OcrLanguages : $"{limits.OcrLanguages}, vertical {limits.OcrVerticalLanguages}";
        if (!File.Exists(limits.TesseractPath) || !File.Exists(limits.PdftoppmPath))
        {
            skipped.AddRange(scans.Select(f => new SkippedFile(f.Name, "needs OCR; tesseract or pdftoppm is not installed")));
            return new OcrReport(0, 0, 0, 0, languages, $"{limits.TesseractPath} or {limits.PdftoppmPath} not found (Debian: tesseract-ocr, poppler-utils); no OCR figures");
        }
        Log($"OCR: {scans.Count} scanned files ({limits.OcrLanguages}); {repeat} repetitions");
        var readable = new List<BenchFile>();
        var confidences = new List<double>();
        var pages = 0;
        foreach (var f in scans)
        {
            try
            {
                var r = DocumentExtractor.Extract(f.Content, f.Name, limits, ct);
                var recognised = r.Blocks.Where(b => b.OcrConfidence is not null).GroupBy(b => b.Locator.Page).ToList();
                if (recognised.Count == 0) { skipped.Add(new SkippedFile(f.Name, "OCR recognised no text")); continue; }
                readable.Add(f);
                pages += recognised.Count;
                confidences.AddRange(recognised.Select(g => g.First().OcrConfidence!.Value));
            }
            catch (ExtractionException ex)
            {
                skipped.Add(new SkippedFile(f.Name, ex.Message));
            }
        }
        if (readable.Count == 0) return new OcrReport(0, 0, 0, 0, languages, "no scanned file was read by OCR");
        var rates = new List<double>();
        for (var r = 0; r < repeat; r++)
            rates.Add(BenchCommand.Rate(() =>
            {
                foreach (var f in readable) DocumentExtractor.Extract(f.Content, f.Name, limits, ct);
                return pages;
            }));
        return new OcrReport(readable.Count, pages, R(BenchCommand.Median(rates), 2), R(confidences.Average()), languages, null);
    }

    private static async Task<double> EmbedAllAsync(HashingEmbeddingGenerator embedder, List<string> inputs, CancellationToken ct)
    {
        for (var i = 0; i < inputs.Count; i += EmbedBatch)
            await embedder.GenerateAsync(inputs.Skip(i).Take(EmbedBatch), cancellationToken: ct);
        return inputs.Count;
    }

    /// <summary>Runs `pdftotext file -` on each file in turn, reading (and discarding) the text. Returns the files it failed on.</summary>
    private static List<string> RunPdftotext(string exe, List<Extracted> pdfs, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var e in pdfs)
        {
            ct.ThrowIfCancellationRequested();
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(e.File.Path);
            psi.ArgumentList.Add("-");
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync(ct);
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = stderr.Result;
            if (p.ExitCode != 0) failures.Add(e.File.Name);
        }
        return failures;
    }

    private static (List<BenchFile> Files, string Origin) CollectFiles(IServiceProvider services, string? dir, string tempDir)
    {
        static bool Wanted(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pdf" or ".docx" or ".png" or ".jpg" or ".jpeg" or ".tif" or ".tiff";
        if (dir is not null)
        {
            if (!Directory.Exists(dir)) throw new CliException($"No such folder: {dir}");
            var full = Path.GetFullPath(dir);
            var list = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Where(Wanted).Order(StringComparer.Ordinal)
                .Select(p => new BenchFile(Path.GetRelativePath(full, p), p, File.ReadAllBytes(p), "files")).ToList();
            return (list, full);
        }

        var files = new List<BenchFile>();
        var origins = new List<string>();
        var root = FindRepoRoot(services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        if (root is null)
        {
            Console.Error.WriteLine($"The test corpus ({CorpusFolder}) was not found above the content root; using the demo documents only.");
        }
        else
        {
            var corpus = Path.Combine(root, CorpusFolder);
            files.AddRange(Directory.EnumerateFiles(corpus).Where(Wanted).Order(StringComparer.Ordinal)
                .Select(p => new BenchFile(Path.GetFileName(p), p, File.ReadAllBytes(p), "corpus")));
            origins.Add(Path.GetRelativePath(root, corpus));
        }

        // The demo documents exist only in memory; pdftotext and the importer need them as files.
        Directory.CreateDirectory(tempDir);
        foreach (var demo in DemoDocuments.All().Where(d => Wanted(d.FileName)))
        {
            var path = Path.Combine(tempDir, demo.FileName);
            File.WriteAllBytes(path, demo.Content);
            files.Add(new BenchFile(demo.FileName, path, demo.Content, "demo"));
        }
        origins.Add("DemoDocuments.All()");
        return (files, string.Join(" + ", origins));
    }

    private static string? FindRepoRoot(string start)
    {
        for (var d = new DirectoryInfo(Path.GetFullPath(start)); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, CorpusFolder))) return d.FullName;
        return null;
    }

    internal static string? FindOnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, exe)).FirstOrDefault(File.Exists);

    /// <summary>
    /// Resets the kernel's peak-RSS counter (VmHWM, which Process.PeakWorkingSet64 reads on Linux) by writing 5 to
    /// /proc/self/clear_refs, so the peak that follows belongs to the phase being measured.
    /// </summary>
    private static bool TryResetPeakWorkingSet()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (long Current, long Peak) WorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (p.WorkingSet64, p.PeakWorkingSet64);
    }

    private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024), 1);
    private static double R(double v, int digits = 1) => BenchCommand.Round(v, digits);

    /// <summary>Progress goes to stderr, so stdout holds only the figures (or the JSON).</summary>
    private static void Log(string line) => Console.Error.WriteLine(line);

    private static void Print(IngestReport r)
    {
        Console.WriteLine($"bench ingest · {r.Date} · {r.Machine} · median of {r.Repeat}");
        Console.WriteLine($"inputs: {r.Inputs.Pdfs} PDF + {r.Inputs.Docx} DOCX from {r.Inputs.Origin}; skipped {r.Inputs.Skipped.Count} that do not extract");
        foreach (var s in r.Inputs.Skipped) Console.WriteLine($"  skipped {s.File}: {s.Reason}");
        Console.WriteLine();
        Console.WriteLine($"{"measurement",-34} {"figure",14}");
        Console.WriteLine(new string('-', 50));
        if (r.Pdf.Files > 0)
        {
            Console.WriteLine($"{"PDF pages/s, ours (" + r.Pdf.Pages + " pages)",-34} {r.Pdf.OursPagesPerS,14:N1}");
            if (r.Pdf.PdftotextPagesPerS is { } pp)
            {
                Console.WriteLine($"{"PDF pages/s, pdftotext",-34} {pp,14:N1}");
                Console.WriteLine($"{"ratio ours / pdftotext",-34} {r.Pdf.Ratio,14:0.000}");
            }
            if (r.Pdf.Note is not null) Console.WriteLine($"  note: {r.Pdf.Note}");
        }
        if (r.Docx.Documents > 0)
        {
            Console.WriteLine($"{"DOCX documents/s (" + r.Docx.Documents + " docs)",-34} {r.Docx.DocumentsPerS,14:N1}");
            Console.WriteLine($"{"DOCX characters/s (" + r.Docx.Characters.ToString("N0") + " chars)",-34} {r.Docx.CharactersPerS,14:N0}");
        }
        if (r.Ocr.Pages > 0)
            Console.WriteLine($"{"OCR pages/s (" + r.Ocr.Pages + " pages, " + r.Ocr.Files + " files)",-34} {r.Ocr.PagesPerS,14:N2}   (mean confidence {r.Ocr.MeanConfidence:N0}%, {r.Ocr.Languages})");
        if (r.Ocr.Note is not null) Console.WriteLine($"  OCR note: {r.Ocr.Note}");
        Console.WriteLine($"{"extraction peak working set, MB",-34} {r.ExtractionMemory.PeakWorkingSetMb,14:N1}   (peak over the {r.ExtractionMemory.PeakScope}; {r.ExtractionMemory.WorkingSetBeforeMb:N1} MB before it)");
        Console.WriteLine($"{"allocated per pass over PDFs, MB",-34} {r.ExtractionMemory.AllocatedMbPerPdfPass,14:N1}");
        Console.WriteLine($"{"allocated per pass over DOCX, MB",-34} {r.ExtractionMemory.AllocatedMbPerDocxPass,14:N1}");
        Console.WriteLine($"{"chunker chunks/s (" + r.Chunker.Chunks + " chunks)",-34} {r.Chunker.ChunksPerS,14:N1}");
        Console.WriteLine($"{"embedder chunks/s (" + r.Embedder.Model + ")",-34} {r.Embedder.ChunksPerS,14:N1}");
        Console.WriteLine($"{"end to end pages/s",-34} {r.EndToEnd.PagesPerS,14:N1}   ({r.EndToEnd.Files} files, {r.EndToEnd.Pages} pages, {r.EndToEnd.Chunks} chunks in {r.EndToEnd.Seconds:0.00} s; {r.EndToEnd.Failures} failed)");
        Console.WriteLine($"{"end to end files/s",-34} {r.EndToEnd.FilesPerS,14:N1}");
    }

    private static readonly JsonSerializerOptions JsonOut = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record SkippedFile(string File, string Reason);
    private sealed record InputsReport(string Origin, int Pdfs, int Docx, List<SkippedFile> Skipped);
    private sealed record PdfReport(int Files, int Pages, double OursPagesPerS, double? PdftotextPagesPerS, double? Ratio, string? Note);
    private sealed record DocxReport(int Documents, long Characters, double DocumentsPerS, double CharactersPerS);
    private sealed record MemoryReport(double PeakWorkingSetMb, double WorkingSetBeforeMb, string PeakScope, double AllocatedMbPerPdfPass, double AllocatedMbPerDocxPass);
    private sealed record RateReport(int Chunks, double ChunksPerS);
    private sealed record EmbedderReport(string Model, int Batch, int Chunks, double ChunksPerS);
    private sealed record EndToEndReport(int Files, int Pages, int Chunks, int Failures, double Seconds, double PagesPerS, double FilesPerS);
    private sealed record OcrReport(int Files, int Pages, double PagesPerS, double MeanConfidence, string Languages, string? Note);
    private sealed record IngestReport(string Date, string Machine, int Repeat, InputsReport Inputs, PdfReport Pdf, DocxReport Docx,
        MemoryReport ExtractionMemory, RateReport Chunker, OcrReport Ocr, EmbedderReport Embedder, EndToEndReport EndToEnd);
}
