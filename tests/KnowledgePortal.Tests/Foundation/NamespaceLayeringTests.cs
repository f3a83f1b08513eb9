using System.Reflection;
using System.Text.RegularExpressions;
using KnowledgePortal.Core.Domain;
using KnowledgePortal.Tests.Infrastructure;

namespace KnowledgePortal.Tests.Foundation;

/// <summary>
/// Core's feature namespaces (Access, Ingestion, Retrieval, Answering, …) depend on each other in one direction only,
/// so a change to a lower feature never needs the one above it. Read from the compiled assembly: signatures and the
/// IL of every method, lambdas and state machines included; constants are inlined in IL, so the source's using
/// directives count too (the build fails on an unused one, so each is a real dependency).
/// </summary>
public partial class NamespaceLayeringTests
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Assembly Core = typeof(Document).Assembly;

    [Fact]
    public void CoreFeatureNamespaces_References_HaveNoCycle()
    {
        var edges = FeatureReferences();
        var cycles = StronglyConnected(edges).Where(c => c.Count > 1).Select(c => string.Join(" ↔ ", c.Order())).ToList();
        Assert.True(cycles.Count == 0, "Namespace cycles in Core: " + string.Join("; ", cycles) + "\n" + string.Join("\n",
            cycles.SelectMany(_ => edges).SelectMany(e => e.Value.Select(to => $"{e.Key} -> {to.Key}: {string.Join(", ", to.Value.Take(4))}")).Distinct()));
    }

    [Fact]
    public void FeatureReferences_RetrievalUsesIngestionEmbedder_Found()
    {
        // The scan must see real references, or the cycle test above could never fail.
        var edges = FeatureReferences();
        Assert.Contains("Ingestion", edges["Retrieval"].Keys);
        Assert.DoesNotContain("Answering", edges["Retrieval"].Keys);
    }

    private static string? Feature(Type? type)
    {
        var parts = type?.Namespace?.Split('.');
        return parts is { Length: > 2 } && parts[0] == "KnowledgePortal" && parts[1] == "Core" ? parts[2] : null;
    }

    /// <summary>Feature → referenced feature → the referenced type names (for the failure message).</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FeatureReferences()
    {
        var edges = new Dictionary<string, Dictionary<string, SortedSet<string>>>();
        foreach (var type in Core.GetTypes())
        {
            if (Feature(type) is not { } from) continue;
            if (!edges.ContainsKey(from)) edges[from] = [];
            foreach (var used in Referenced(type))
            {
                foreach (var t in Expand(used))
                {
                    if (Feature(t) is { } to && to != from)
                    {
                        if (!edges[from].TryGetValue(to, out var names)) edges[from][to] = names = [];
                        names.Add(t.Name);
                    }
                }
            }
        }
        foreach (var (from, to, file) in UsingDirectives())
        {
            if (from == to) continue;
            if (!edges.ContainsKey(from)) edges[from] = [];
            if (!edges[from].TryGetValue(to, out var names)) edges[from][to] = names = [];
            names.Add("using in " + file);
        }
        return edges;
    }

    [GeneratedRegex(@"^namespace KnowledgePortal\.Core\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^using (?:static )?KnowledgePortal\.Core\.(\w+)[\w.]*;", RegexOptions.Multiline)]
    private static partial Regex CoreUsing();

    private static IEnumerable<(string From, string To, string File)> UsingDirectives()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "KnowledgePortal.Core");
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            var text = File.ReadAllText(file);
            if (FileNamespace().Match(text) is not { Success: true } ns) continue;
            foreach (Match u in CoreUsing().Matches(text)) yield return (ns.Groups[1].Value, u.Groups[1].Value, Path.GetFileName(file));
        }
    }

    private static IEnumerable<Type?> Referenced(Type type)
    {
        yield return type.BaseType;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var f in type.GetFields(All)) yield return f.FieldType;
        foreach (var p in type.GetProperties(All)) yield return p.PropertyType;
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m) yield return m.ReturnType;
            foreach (var p in method.GetParameters()) yield return p.ParameterType;
            foreach (var member in TestTierScan.ReferencedMembers(method))
                yield return member as Type ?? member.DeclaringType;
        }
    }

    /// <summary>A type with its generic arguments and element types, so List&lt;RetrievedPassage&gt; counts too.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null) yield break;
        if (type.HasElementType) { foreach (var t in Expand(type.GetElementType())) yield return t; yield break; }
        yield return type;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (var arg in type.GetGenericArguments()) foreach (var t in Expand(arg)) yield return t;
    }

    private static List<List<string>> StronglyConnected(Dictionary<string, Dictionary<string, SortedSet<string>>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (stack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); component.Add(x); } while (x != v);
            result.Add(component);
        }
        foreach (var v in edges.Keys.ToList()) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }
}
