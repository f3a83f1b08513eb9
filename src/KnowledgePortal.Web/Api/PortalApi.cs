namespace KnowledgePortal.Web.Api;

public static class PortalApi
{
    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app) => app;
}
