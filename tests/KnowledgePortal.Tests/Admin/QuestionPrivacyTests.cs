using KnowledgePortal.Core.Access;
using KnowledgePortal.Core.Domain;

namespace KnowledgePortal.Tests.Admin;

public class QuestionPrivacyTests
{
    private static AuditEvent Question(string details) =>
        new() { Id = 7, Actor = "hr", Action = "question", TargetType = "message", TargetId = "m1", Details = details };

    [Fact]
    public void ForViewer_ViewerReadsEveryAskerCollection_QuestionShown()
    {
        var e = Question("""{"question":"G3 max per the April memo","askerCollections":[1,2]}""");
        Assert.Same(e, QuestionPrivacy.ForViewer(e, new HashSet<int> { 1, 2, 3 }));
    }

    [Fact]
    public void ForViewer_ViewerMissesOneAskerCollection_QuestionRedactedRestKept()
    {
        var shown = QuestionPrivacy.ForViewer(Question("""{"question":"G3 max per the April memo","askerCollections":[1,2],"provider":"Local"}"""),
            new HashSet<int> { 1 });
        Assert.DoesNotContain("April", shown.Details);
        Assert.Contains(QuestionPrivacy.Redacted, shown.Details);
        Assert.Contains("Local", shown.Details);
        Assert.Equal(("hr", "m1", 7L), (shown.Actor, shown.TargetId, shown.Id));
    }

    [Fact]
    public void ForViewer_EventFromBeforeAskerSetWasRecorded_FailsClosed()
    {
        var shown = QuestionPrivacy.ForViewer(Question("""{"question":"salary band G3"}"""), new HashSet<int> { 1, 2, 3 });
        Assert.DoesNotContain("salary", shown.Details);
    }

    [Fact]
    public void ForViewer_QuestionsNotRecorded_Unchanged()
    {
        var e = Question("""{"question":null,"askerCollections":[9]}""");
        Assert.Same(e, QuestionPrivacy.ForViewer(e, new HashSet<int>()));
        var other = new AuditEvent { Actor = "a", Action = "access-change", Details = """{"question":"x"}""" };
        Assert.Same(other, QuestionPrivacy.ForViewer(other, new HashSet<int>()));
    }
}
