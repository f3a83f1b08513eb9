using KnowledgePortal.Core.Ingestion.Extraction;

namespace KnowledgePortal.Tests.Extraction;

public class ExtractionHostTests
{
    private const string Dll = "/app/KnowledgePortal.Web.dll";
    private const string Runtime = "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/";

    [Fact]
    public void Resolve_StartedByAppHost_RunsTheSameExecutable()
    {
        var host = ExtractionHost.Resolve(Dll, "/app/KnowledgePortal.Web", null, Runtime, _ => true);

        Assert.Equal("/app/KnowledgePortal.Web", host!.FileName);
        Assert.Empty(host.Arguments);
    }

    [Fact]
    public void Resolve_StartedByDotnet_RunsTheAssemblyWithTheSameHost()
    {
        var host = ExtractionHost.Resolve(Dll, "/opt/dotnet/dotnet", "/elsewhere/dotnet", Runtime, _ => true);

        Assert.Equal("/opt/dotnet/dotnet", host!.FileName);
        Assert.Equal([Dll], host.Arguments);
    }

    [Fact]
    public void Resolve_InsideTestHost_FallsBackOnTheHostAboveTheRuntime()
    {
        var host = ExtractionHost.Resolve(Dll, "/work/bin/testhost", null, Runtime, p => p != "/nowhere");

        Assert.Equal("/usr/share/dotnet/dotnet", host!.FileName);
        Assert.Equal([Dll], host.Arguments);
    }

    [Fact]
    public void Resolve_NoHostFound_Null()
    {
        Assert.Null(ExtractionHost.Resolve(Dll, "/work/bin/testhost", null, Runtime, p => p == Dll));
    }
}
