using System.Net;

namespace KnowledgePortal.Tests.Embedding;

/// <summary>Scripted inner handler: answers each call with the next response factory and records requests.</summary>
internal sealed class FakeHttpHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    public int Calls { get; private set; }
    public List<string?> Bodies { get; } = [];
    public List<Uri?> Uris { get; } = [];
    public List<string?> Authorizations { get; } = [];

    public static FakeHttpHandler Sequence(params HttpStatusCode[] statuses) =>
        new((_, call) => new HttpResponseMessage(statuses[Math.Min(call, statuses.Length - 1)]) { Content = new StringContent("{}") });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        Uris.Add(request.RequestUri);
        Authorizations.Add(request.Headers.Authorization?.ToString());
        return respond(request, Calls++);
    }
}
