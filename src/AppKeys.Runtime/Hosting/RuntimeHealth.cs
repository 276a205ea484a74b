using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;

namespace AppKeys.Runtime.Hosting;

/// <summary>Health and readiness of the runtime, as served on <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed class RuntimeHealth
{
    private readonly IEnumerable<IInformer> informers;
    private readonly LeaderElector? elector;
    private volatile bool started;
    private volatile bool controllersRunning;
    private volatile string? fault;

    /// <summary>Creates the health view.</summary>
    public RuntimeHealth(IEnumerable<IInformer> informers, LeaderElector? elector = null)
    {
        this.informers = informers;
        this.elector = elector;
    }

    /// <summary>True when every informer's cache has synced.</summary>
    public bool CachesSynced => informers.All(i => i.HasSynced);

    /// <summary>True while this process runs the controllers (leader, or leader election disabled).</summary>
    public bool ControllersRunning => controllersRunning;

    /// <summary>True when this process holds the lease (or leader election is disabled).</summary>
    public bool IsLeader => elector is null ? controllersRunning : elector.IsLeader;

    /// <summary>Live: the manager has not failed.</summary>
    public bool IsHealthy => fault is null;

    /// <summary>
    /// Ready: the manager started, caches are synced, and this process either leads or stands by in the election
    /// (standby replicas are ready so that a rollout does not wait for them to lead).
    /// </summary>
    public bool IsReady => fault is null && started && CachesSynced && (controllersRunning || elector?.IsRunning == true);

    /// <summary>Why the manager failed, if it did.</summary>
    public string? Fault => fault;

    /// <summary>One line per check, for the endpoints' bodies.</summary>
    public string Describe() =>
        $"started={started} cachesSynced={CachesSynced} leader={IsLeader} controllersRunning={controllersRunning} " +
        $"electionRunning={elector?.IsRunning.ToString() ?? "disabled"}{(fault is null ? string.Empty : " fault=" + fault)}\n" +
        string.Concat(informers.Select(i => $"informer {i.ResourceName}: synced={i.HasSynced}\n"));

    internal void Started() => started = true;

    internal void SetControllersRunning(bool value) => controllersRunning = value;

    internal void Failed(string reason) => fault = reason;
}
