using System.Buffers.Binary;

namespace KnowledgePortal.Core.Ingestion.Extraction;

/// <summary>
/// Password protection of the binary Office formats, found in the container before conversion: LibreOffice cannot
/// open such a file, and the uploader should hear "password" rather than "damaged".
/// </summary>
internal static class BinaryOfficeEncryption
{
    private const int WorkbookGlobalsBytes = 256 * 1024;

    /// <summary>[MS-DOC] FibBase: wIdent 0xA5EC, and fEncrypted is bit 8 of the flags at offset 0x0A.</summary>
    public static bool Word(CompoundFile file) =>
        file.ReadRootStream("WordDocument", 12) is { Length: 12 } fib
        && BinaryPrimitives.ReadUInt16LittleEndian(fib) == 0xA5EC
        && (BinaryPrimitives.ReadUInt16LittleEndian(fib.AsSpan(10)) & 0x0100) != 0;

    /// <summary>[MS-XLS] A FILEPASS record (0x002F) in the workbook globals, which end at the first EOF record (0x000A).</summary>
    public static bool Excel(CompoundFile file)
    {
        var stream = file.ReadRootStream("Workbook", WorkbookGlobalsBytes) ?? file.ReadRootStream("Book", WorkbookGlobalsBytes);
        if (stream is null) return false;
        for (var offset = 0; offset + 4 <= stream.Length;)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(stream.AsSpan(offset));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(stream.AsSpan(offset + 2));
            if (type == 0x002F) return true;
            if (type == 0x000A) return false;
            offset += 4 + length;
        }
        return false;
    }

    /// <summary>
    /// [MS-PPT] An encrypted presentation says so in CurrentUserAtom.headerToken (0xF3D1C4DF instead of 0xE391C05F)
    /// and carries an "EncryptedSummary" stream.
    /// </summary>
    public static bool PowerPoint(CompoundFile file) =>
        file.RootNames.Contains("EncryptedSummary")
        || (file.ReadRootStream("Current User", 16) is { Length: 16 } user && BinaryPrimitives.ReadUInt32LittleEndian(user.AsSpan(12)) == 0xF3D1C4DF);
}
