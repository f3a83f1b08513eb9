using System.ComponentModel;
using System.Diagnostics;

namespace KnowledgePortal.Tests.Embedding;

/// <summary>
/// Tiny SentencePiece models trained by the test with Debian's <c>spm_train</c> (package sentencepiece, installed by
/// <c>./portal test</c>) on a small Japanese and English text, once per test run, plus <c>spm_encode</c> for reference
/// ids. A missing tool fails the test with an explanation; nothing is skipped.
/// </summary>
internal static class SentencePieceTestModels
{
    public const string Unigram = "unigram", Bpe = "bpe";

    private const string Corpus = """
        The annual leave policy allows twenty days of paid vacation per year.
        Employees must request leave through the portal at least two weeks in advance.
        Server restart procedures are documented in the operations manual.
        Reboot the application server after installing security patches.
        年次有給休暇は一年につき二十日付与されます。
        休暇の申請は少なくとも二週間前までにポータルから行ってください。
        サーバーの再起動手順は運用マニュアルに記載されています。
        セキュリティパッチを適用した後はアプリケーションサーバーを再起動してください。
        The holiday calendar is published every December by the HR department.
        人事部は毎年十二月に休日カレンダーを公開します。
        Passwords must be changed every ninety days and must not be reused.
        パスワードは九十日ごとに変更し、再利用してはいけません。
        query: how many vacation days do I get?
        passage: employees get twenty days of annual leave.
        query: 休暇は何日ありますか
        passage: 年次有給休暇は二十日です。
        """;

    /// <summary>Texts whose ids are compared with spm_encode: mixed scripts, NFKC forms (half-width katakana, full-width
    /// Latin, ligatures), unknown characters, runs of spaces and tabs, one-character texts.</summary>
    public static readonly string[] SampleTexts =
    [
        "annual leave 年次有給休暇",
        "Server  restart です。 ｻｰﾊﾞｰ ＡＢＣ",
        "休",
        "a",
        "The   annual\tleave policy",
        "x<s>y</s>",
        "é ﬁ ① ㍿",
        "query: 休暇の申請はいつまでですか？",
        "passage: サーバーの再起動手順は運用マニュアルに記載されています。",
        "  leading and trailing  ",
        "パスワードは九十日ごとに変更し、再利用してはいけません。Passwords must be changed every ninety days.",
    ];

    private static readonly Lazy<string> Trained = new(Train, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Path of the trained <c>unigram.model</c> or <c>bpe.model</c>.</summary>
    public static string ModelPath(string type) => Path.Combine(Trained.Value, type + ".model");

    /// <summary>Number of pieces (SentencePiece ids 0..n-1).</summary>
    public static int PieceCount(string type) => File.ReadAllLines(Path.Combine(Trained.Value, type + ".vocab")).Length;

    /// <summary><c>spm_encode --output_format=id</c>, one id array per text.</summary>
    public static int[][] SpmEncode(string type, IReadOnlyList<string> texts)
    {
        var output = Run("spm_encode", ["--model=" + ModelPath(type), "--output_format=id"], string.Join('\n', texts) + "\n");
        var lines = output.Split('\n');
        Assert.True(lines.Length >= texts.Count, $"spm_encode returned {lines.Length} lines for {texts.Count} texts");
        return lines.Take(texts.Count)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())
            .ToArray();
    }

    /// <summary>XLM-R's fairseq id for a SentencePiece id (Hugging Face XLMRobertaTokenizer._convert_token_to_id).</summary>
    public static int ToXlmRoberta(int spmId) => spmId == 0 ? 3 : spmId + 1;

    /// <summary>
    /// A model folder: the trained model as <c>sentencepiece.bpe.model</c> and a Gather encoder over every XLM-R id
    /// (pieces + 1 + &lt;mask&gt;) whose padding row (id 1) is large.
    /// </summary>
    public static string CreateFolder(string type, string name, params string[] extraInputs)
    {
        var dir = OnnxTestModel.NewFolder(name);
        File.Copy(ModelPath(type), Path.Combine(dir, "sentencepiece.bpe.model"));
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), OnnxTestModel.BuildEncoder(OnnxTestModel.RandomRows(PieceCount(type) + 2, largeRow: 1), extraInputs));
        return dir;
    }

    private static string Train()
    {
        var dir = Path.Combine(Path.GetTempPath(), "kp-spm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllText(corpus, Corpus + "\n");
        foreach (var type in new[] { Unigram, Bpe })
        {
            Run("spm_train", [
                "--input=" + corpus, "--model_prefix=" + Path.Combine(dir, type), "--model_type=" + type,
                "--vocab_size=220", "--hard_vocab_limit=false", "--character_coverage=1.0", "--num_threads=1", "--minloglevel=2",
            ], null);
        }
        return dir;
    }

    private static string Run(string tool, string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"{tool} is not installed. These tests need Debian's SentencePiece tools: apt-get install sentencepiece (./portal test installs it).", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                using var input = new StreamWriter(process.StandardInput.BaseStream, new System.Text.UTF8Encoding(false));
                input.Write(stdin);
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
            return stdout.Result;
        }
    }
}
