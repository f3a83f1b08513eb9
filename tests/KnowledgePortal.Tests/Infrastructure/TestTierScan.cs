using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace KnowledgePortal.Tests.Infrastructure;

/// <summary>
/// What a test class needs, found by reflection: PostgreSQL when it reaches TestDatabase, TestDb, TestServices or
/// PortalProcess, Chromium when it reaches Playwright or the Browser helpers, through its fields, constructor
/// (fixtures), or the IL of its methods and of the test helpers they call. Used by TestTierTests.
/// </summary>
public static class TestTierScan
{
    public static readonly Assembly TestAssembly = typeof(TestTierScan).Assembly;
    private static readonly Type[] DbTypes = [typeof(TestDatabase), typeof(TestDb), typeof(TestServices), typeof(PortalProcess)];
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    [Flags]
    public enum Needs { None = 0, Db = 1, Browser = 2 }

    public static Needs Marker(Type? type)
    {
        if (type is null) return Needs.None;
        if (type.HasElementType) return Marker(type.GetElementType());
        var needs = type.IsGenericType ? type.GetGenericArguments().Aggregate(Needs.None, (n, a) => n | Marker(a)) : Needs.None;
        if (type.Namespace?.StartsWith("Microsoft.Playwright", StringComparison.Ordinal) == true || type == typeof(Infrastructure.Browser))
            needs |= Needs.Browser;
        if (DbTypes.Contains(type)) needs |= Needs.Db;
        return needs;
    }

    /// <summary>The members a method's IL refers to (calls, fields, types, ldftn of lambdas).</summary>
    public static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += op.Size;
            var operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            MemberInfo? member = null;
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                try { member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { } // a generic context we cannot supply; the open member is not a marker
            }
            if (member is not null) yield return member;
            i += operand;
        }
    }

    private sealed class Scan
    {
        private readonly HashSet<MemberInfo> _seen = [];
        public Needs Found;

        public void Type(Type? type)
        {
            if (type is null || !_seen.Add(type)) return;
            Found |= Marker(type);
            if (type.Assembly != TestAssembly) return;
            Type(type.BaseType);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var f in type.GetFields(all)) Found |= Marker(f.FieldType);
            foreach (var p in type.GetProperties(all)) Found |= Marker(p.PropertyType);
            foreach (var c in type.GetConstructors(all))
            {
                foreach (var p in c.GetParameters()) Type(p.ParameterType); // fixtures
                Method(c);
            }
            foreach (var m in type.GetMethods(all)) Method(m);
            foreach (var n in type.GetNestedTypes(all)) Type(n); // closures and async state machines
        }

        /// <summary>A method of the test assembly: what its code reaches, following calls into other test helpers.</summary>
        private void Method(MethodBase method)
        {
            if (!_seen.Add(method)) return;
            if (method.GetCustomAttribute<StateMachineAttribute>() is { } machine) Type(machine.StateMachineType);
            foreach (var member in ReferencedMembers(method))
                switch (member)
                {
                    case Type t: Found |= Marker(t); break;
                    case FieldInfo f: Found |= Marker(f.FieldType) | Marker(f.DeclaringType); break;
                    case MethodBase m:
                        var owner = m.DeclaringType;
                        // FreePort only asks the OS for a port; everything else of PortalProcess runs the portal on a database.
                        if (!(owner == typeof(PortalProcess) && m.Name == nameof(PortalProcess.FreePort))) Found |= Marker(owner);
                        if (m is MethodInfo mi) Found |= Marker(mi.ReturnType);
                        if (owner?.Assembly == TestAssembly && !IsScanner(owner)) Method(m.IsGenericMethod && m is MethodInfo g ? g.GetGenericMethodDefinition() : m);
                        break;
                }
        }
    }

    // The scanner names the marker types itself; following calls into it would mark every caller.
    private static bool IsScanner(Type type) => type == typeof(TestTierScan) || type.DeclaringType == typeof(TestTierScan);

    public static Needs Required(Type testClass)
    {
        var scan = new Scan();
        scan.Type(testClass);
        return scan.Found;
    }

    public static string? Expected(Needs needs) =>
        needs.HasFlag(Needs.Browser) ? TestTier.Browser : needs.HasFlag(Needs.Db) ? TestTier.Db : null;

}
