namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// A private temporary folder (mode 700, unique name) that is removed with everything in it when disposed — after a
/// killed process too, whose files may stay open for a moment, hence a few tries.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    private ScratchFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>A new folder under the system's temporary folder (TMPDIR), named <paramref name="prefix"/> and a random part.</summary>
    public static ScratchFolder Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    public void Dispose()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
        }
    }
}
