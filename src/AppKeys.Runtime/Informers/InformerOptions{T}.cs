namespace AppKeys.Runtime.Informers;

/// <summary>Options of the informer for <typeparamref name="T"/>.</summary>
/// <typeparam name="T">Object type.</typeparam>
public sealed class InformerOptions<T>
    where T : class
{
    /// <summary>
    /// Namespaces to watch (one list/watch per namespace); null or empty watches all namespaces (one cluster-wide
    /// list/watch). Ignored for cluster-scoped kinds.
    /// </summary>
    public IList<string>? Namespaces { get; set; }

    /// <summary>Label selector limiting what is listed, watched and cached (e.g. only Secrets the operator manages).</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Field selector limiting what is listed, watched and cached.</summary>
    public string? FieldSelector { get; set; }

    /// <summary>How often every cached object is delivered again as <see cref="InformerEventType.Resync"/>; zero or negative disables. Default 10 h.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromHours(10);

    /// <summary>
    /// Minimum server-side watch timeout; each watch asks for a random value between this and twice this
    /// (client-go's jitter), so that reconnects of many clients spread out. Default 5 min.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Page size of lists (<c>limit</c>). Default 500.</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>First reconnect delay after a failure; doubles per consecutive failure, with ±50% jitter. Default 800 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Largest reconnect delay. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// First retry delay of an event a handler threw on; doubles while retries keep failing, per handler. Default 100 ms.
    /// </summary>
    public TimeSpan HandlerRetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest retry delay of a failed handler event. Default 30 s.</summary>
    public TimeSpan HandlerRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Applied to every listed or watched object before it is cached and handed to handlers (client-go's
    /// <c>SetTransform</c>), e.g. <see cref="InformerTransforms.StripManagedFields{T}"/> to keep the cache small.
    /// Must return an object with the same key; may modify and return its argument.
    /// </summary>
    public Func<T, T>? Transform { get; set; }

    /// <summary>Caller-defined indexes: name → function returning the index values of an object.</summary>
    public IDictionary<string, Func<T, IEnumerable<string>>> Indexers { get; } = new Dictionary<string, Func<T, IEnumerable<string>>>(StringComparer.Ordinal);

    /// <summary>
    /// Caller-defined views: name → function deriving an immutable value (or null) from a cached object. Read with
    /// <see cref="IObjectStore{T}.View{TView}"/>: computed at the first read after the object changed, then shared by
    /// every reader without a copy (hot read paths such as the key manager's client lookup). The function gets the
    /// cached instance itself: it must not modify it, and must copy whatever it keeps of it.
    /// </summary>
    public IDictionary<string, Func<T, object?>> Views { get; } = new Dictionary<string, Func<T, object?>>(StringComparer.Ordinal);
}
