using KnowledgePortal.Core.Answering;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;
using KnowledgePortal.Tests.Retrieval.Integration;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Tests.Answering.Integration;

/// <summary>Demo corpus with at most 5 passages per answer, so a model's "[7]" is always out of range.</summary>
public class AnsweringFixture : DemoCorpusFixture
{
    protected override string Purpose => "answer";
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Retrieval:TopK"] = "5" };
}

/// <summary>Provider profiles written straight into provider_profiles, and ask-event helpers.</summary>
public static class AnsweringTestKit
{
    public const string Extractive = "Extractive (built-in)";

    public static ProviderProfile Profile(string name, FakeOpenAiServer server, ProviderLocation location, SensitivityLabel maxSensitivity,
        decimal inputPrice = 0, decimal outputPrice = 0) => new()
    {
        Name = name,
        Kind = ProviderKind.OpenAICompatible,
        Endpoint = server.BaseUrl + "/v1",
        Model = FakeOpenAiServer.DefaultModel,
        Location = location,
        MaxSensitivity = maxSensitivity,
        InputPricePerMillion = inputPrice,
        OutputPricePerMillion = outputPrice,
        Enabled = true,
    };

    /// <summary>
    /// Makes exactly <paramref name="enabled"/> (upserted by name) and, when <paramref name="extractiveEnabled"/>, the seeded
    /// extractive profile the enabled profiles; every other profile is disabled.
    /// </summary>
    public static async Task SetProfilesAsync(TestServices services, bool extractiveEnabled, params ProviderProfile[] enabled)
    {
        await using var db = services.Db.CreateContext();
        var existing = await db.ProviderProfiles.ToListAsync();
        Assert.Contains(existing, p => p.Name == Extractive && p.Kind == ProviderKind.Extractive);
        foreach (var p in existing) p.Enabled = p.Name == Extractive && extractiveEnabled;
        foreach (var wanted in enabled)
        {
            var p = existing.FirstOrDefault(x => x.Name == wanted.Name);
            if (p is null) db.ProviderProfiles.Add(p = new ProviderProfile { Name = wanted.Name });
            p.Kind = wanted.Kind; p.Endpoint = wanted.Endpoint; p.Model = wanted.Model; p.Location = wanted.Location;
            p.MaxSensitivity = wanted.MaxSensitivity; p.InputPricePerMillion = wanted.InputPricePerMillion;
            p.OutputPricePerMillion = wanted.OutputPricePerMillion; p.IsDefault = false; p.Enabled = true;
        }
        await db.SaveChangesAsync();
    }

    public static async Task<List<AskEvent>> AskAsync(TestServices services, string user, AskRequest request) =>
        await services.Get<AskService>().AskAsync(await services.UserAsync(user), request).ToListAsync();

    /// <summary>Texts of every chunk of a collection, as stored.</summary>
    public static async Task<List<string>> ChunkTextsAsync(TestServices services, string collection)
    {
        var collectionId = await services.CollectionIdAsync(collection);
        await using var db = services.Db.CreateContext();
        return await db.Chunks.Where(c => c.CollectionId == collectionId).Select(c => c.Text).ToListAsync();
    }

    /// <summary>Everything a server was sent, as the text of its chat messages.</summary>
    public static string Prompts(FakeOpenAiServer server) =>
        string.Join("\n\n", server.ChatRequests.SelectMany(r => r.Messages).Select(m => m.Content));
}
