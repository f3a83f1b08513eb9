using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Data;
using KnowledgePortal.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePortal.Core.Demo;

/// <summary>The demo organisation: three groups, three collections and four users for the Development sign-in.</summary>
public static class DemoData
{
    public const string Handbook = "Company handbook";
    public const string HrPolicies = "HR policies";
    public const string Engineering = "Engineering";

    public sealed record DemoUser(string UserName, string DisplayName, string Description, string[] Groups, string[] Roles)
    {
        public ExternalIdentity ToIdentity() =>
            new($"dev:{UserName}", UserName, DisplayName, $"{UserName}@demo.local", Groups, Roles);
    }

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("staff", "Sato Hana (staff)", "Staff member: reads the company handbook", ["Staff"], []),
        new("hr", "Tanaka Ken (HR manager)", "HR manager: Staff + HR, curates HR policies", ["Staff", "HR"], ["KnowledgeManager"]),
        new("km", "Suzuki Yui (knowledge manager)", "Knowledge manager: Staff + Engineering, curates the handbook and Engineering", ["Staff", "Engineering"], ["KnowledgeManager"]),
        new("admin", "Admin Aoki (administrator)", "Administrator: Staff + Engineering, not HR", ["Staff", "Engineering"], ["Admin"]),
    ];

    public static DemoUser? FindUser(string userName) =>
        Users.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Idempotent: creates only what is missing, matched by name.</summary>
    public static async Task SeedAsync(PortalDbContext db, CancellationToken ct = default)
    {
        var groups = new Dictionary<string, PortalGroup>();
        foreach (var (name, description) in new[]
                 {
                     ("Staff", "Everyone employed by the company"),
                     ("HR", "Human resources"),
                     ("Engineering", "Engineering department"),
                 })
        {
            var group = await db.Groups.Include(g => g.Mappings).FirstOrDefaultAsync(g => g.Name == name, ct);
            if (group is null)
            {
                group = new PortalGroup { Name = name, Description = description };
                group.Mappings.Add(new GroupMapping { Kind = GroupMappingKind.ExternalGroup, Value = name });
                db.Groups.Add(group);
            }
            groups[name] = group;
        }
        await db.SaveChangesAsync(ct);

        async Task EnsureCollection(string name, string description, SensitivityLabel label, params (string Group, AccessLevel Level)[] grants)
        {
            var collection = await db.Collections.Include(c => c.Access).FirstOrDefaultAsync(c => c.Name == name, ct);
            if (collection is not null) return;
            collection = new Collection { Name = name, Description = description, Sensitivity = label, ReviewIntervalDays = 365 };
            foreach (var (group, level) in grants)
                collection.Access.Add(new CollectionAccess { GroupId = groups[group].Id, Level = level });
            db.Collections.Add(collection);
            await db.SaveChangesAsync(ct);
        }

        await EnsureCollection(Handbook, "Policies and practical information for everyone", SensitivityLabel.Internal,
            ("Staff", AccessLevel.Manage));
        await EnsureCollection(HrPolicies, "Pay, evaluation and personnel rules: HR only", SensitivityLabel.Confidential,
            ("HR", AccessLevel.Manage));
        await EnsureCollection(Engineering, "Runbooks, architecture and engineering notes", SensitivityLabel.Internal,
            ("Engineering", AccessLevel.Manage));

        if (!await db.ProviderProfiles.AnyAsync(ct))
        {
            db.ProviderProfiles.Add(new ProviderProfile
            {
                Name = "Extractive (built-in)",
                Kind = ProviderKind.Extractive,
                Location = ProviderLocation.OnPremises,
                MaxSensitivity = SensitivityLabel.Secret,
                IsDefault = true,
            });
            await db.SaveChangesAsync(ct);
        }
    }
}
