namespace KnowledgePortal.Core.Domain;

/// <summary>A saved list of questions with the answers expected, to compare models on (model lab).</summary>
public class LabQuestionSet
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<LabQuestion> Questions { get; set; } = [];
}

public class LabQuestion
{
    public long Id { get; set; }
    public int SetId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }
    /// <summary>Any of these appearing in an answer (after normalisation) counts as a match; empty = not judged.</summary>
    public string[] ExpectedAnswers { get; set; } = [];
}

/// <summary>One model-lab run: the same questions put to several provider profiles.</summary>
public class LabRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Title { get; set; }
    public required string CreatedBy { get; set; }
    public required string CreatedByName { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>Touched after every result: a Running run that stops being touched was interrupted.</summary>
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? CompletedAt { get; set; }
    public LabRunStatus Status { get; set; }
    public string[] Providers { get; set; } = [];
    /// <summary>Collections the questions were restricted to; empty = everything the admin may read.</summary>
    public int[] CollectionIds { get; set; } = [];
    public int? QuestionSetId { get; set; }
    public string? QuestionSetName { get; set; }
    public int QuestionCount { get; set; }
    public string? Error { get; set; }
    public List<LabRunQuestion> Questions { get; set; } = [];
    public List<LabResult> Results { get; set; } = [];
}

/// <summary>A question of a run, copied so that later edits of its set do not rewrite history.</summary>
public class LabRunQuestion
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }
    public string[] ExpectedAnswers { get; set; } = [];
}

/// <summary>One provider's answer to one question of a run.</summary>
public class LabResult
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public int QuestionOrdinal { get; set; }
    public required string Provider { get; set; }
    public string? Model { get; set; }
    public required string Route { get; set; }
    public string Answer { get; set; } = "";
    public bool Answered { get; set; }
    /// <summary>Null when the question has no expected answers (or the call failed).</summary>
    public bool? ExpectedMatch { get; set; }
    /// <summary>Passages sent to this provider, in prompt order ([n] is SentChunkIds[n-1]); re-checked on every view.</summary>
    public long[] SentChunkIds { get; set; } = [];
    /// <summary>Passages retrieved but above this provider's clearance, so never sent to it.</summary>
    public long[] WithheldChunkIds { get; set; } = [];
    public int[] CitedNumbers { get; set; } = [];
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public bool TokensEstimated { get; set; }
    public decimal Cost { get; set; }
    /// <summary>From the start of the model call (retrieval is shared by all providers and not included); fractional, since
    /// an extractive answer takes well under a millisecond.</summary>
    public double? FirstTokenMs { get; set; }
    public double TotalMs { get; set; }
    /// <summary>English text of the failure (CSV, CLI, old rows); <see cref="ErrorCode"/> and <see cref="ErrorArgs"/> let the UI translate it.</summary>
    public string? Error { get; set; }
    /// <summary>Code of a <see cref="Text.PortalMessage"/> ("Ask.ProviderTimeoutAfter", …).</summary>
    public string? ErrorCode { get; set; }
    /// <summary>Named arguments of the error message (jsonb object).</summary>
    public string? ErrorArgs { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
}
