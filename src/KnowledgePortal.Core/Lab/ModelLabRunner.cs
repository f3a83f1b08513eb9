using System.Collections.Concurrent;
using KnowledgePortal.Core.Access;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgePortal.Core.Lab;

/// <summary>
/// Runs lab runs in the background of the portal process, so closing the page does not stop them; a few at a time,
/// each cancellable, all cancelled when the portal stops (their results so far are saved).
/// </summary>
public sealed class ModelLabRunner(ModelLab lab, IHostApplicationLifetime lifetime, ILogger<ModelLabRunner> logger)
{
    public const int MaxConcurrentRuns = 2;
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public bool IsRunning(Guid runId) => _running.ContainsKey(runId);

    /// <summary>Saves a new run and starts answering it in the background; refused while <see cref="MaxConcurrentRuns"/> runs are going.</summary>
    public async Task<(Guid? RunId, LabError? Error)> StartAsync(UserAccess admin, LabRunRequest request, CancellationToken ct = default)
    {
        if (_running.Count >= MaxConcurrentRuns) return (null, Busy);
        var (runId, error) = await lab.CreateAsync(admin, request, ct);
        if (runId is not { } id) return (null, error);
        if (!Resume(admin, id))
        {
            await lab.FinishAsync(id, Domain.LabRunStatus.Failed, Busy.Message);
            return (null, Busy);
        }
        return (id, null);
    }

    private static readonly LabError Busy = new(LabErrorCode.Busy,
        $"{MaxConcurrentRuns} lab runs are already going. Wait for one to finish, or cancel it.", $"{MaxConcurrentRuns}");

    /// <summary>Answers what is missing of an existing run in the background; false when it already runs or the runner is full.</summary>
    public bool Resume(UserAccess admin, Guid runId)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        lock (_running)
        {
            if (_running.Count >= MaxConcurrentRuns || !_running.TryAdd(runId, cts)) { cts.Dispose(); return false; }
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await lab.ExecuteAsync(admin, runId, null, cts.Token);
            }
            catch (Exception ex)
            {
                logger.LogError("Lab run {RunId} could not run: {Error}", runId, ex.GetType().Name);
            }
            finally
            {
                _running.TryRemove(runId, out _);
                cts.Dispose();
            }
        }, CancellationToken.None);
        return true;
    }

    public bool Cancel(Guid runId)
    {
        if (!_running.TryGetValue(runId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }
}
