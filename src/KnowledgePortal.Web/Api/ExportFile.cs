using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePortal.Web.Api;

/// <summary>The one way an export endpoint answers with a file: built for this caller, so never cached.</summary>
public static class ExportFile
{
    /// <summary>Content type documented for CSV exports in /openapi/v1.json.</summary>
    public const string CsvContentType = "text/csv";

    /// <summary>UTF-8 with a BOM, so spreadsheets read Japanese correctly.</summary>
    public static FileContentHttpResult Csv(HttpContext http, string csv, string fileName) =>
        Create(http, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", fileName);

    public static FileContentHttpResult Create(HttpContext http, byte[] bytes, string contentType, string fileName)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(bytes, contentType, fileName);
    }

    /// <summary>"name-yyyyMMdd-HHmmss.extension", in UTC.</summary>
    public static string StampedName(string name, DateTime utc, string extension) => $"{name}-{utc:yyyyMMdd-HHmmss}.{extension}";
}
