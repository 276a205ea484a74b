namespace AppKeys.Runtime.Informers;

/// <summary>
/// One shared instance per short string that recurs across cached objects: label and annotation keys, kinds, API
/// versions, namespaces, condition reasons. The JSON deserializer allocates every string anew, so without it 10,000
/// cached Secrets hold 10,000 copies of <c>app.kubernetes.io/managed-by</c> (measured: recurring strings were 40 % of
/// the string bytes of the operator's caches, docs/benchmarks.md, session 6). Bounded: strings longer than
/// <see cref="MaxLength"/> are never kept, and when <see cref="Capacity"/> strings are remembered the pool starts over,
/// so unique values (names, uids) cannot grow it without limit; instances already shared stay shared. Thread-safe.
/// </summary>
public sealed class StringPool
{
    /// <summary>Longest string pooled (characters).</summary>
    public const int MaxLength = 128;

    private readonly Lock gate = new();
    private readonly HashSet<string> strings = new(StringComparer.Ordinal);

    /// <summary>Creates a pool that remembers at most <paramref name="capacity"/> strings.</summary>
    public StringPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The pool the informer transforms use (4,096 strings).</summary>
    public static StringPool Shared { get; } = new(4096);

    /// <summary>Strings remembered before the pool starts over.</summary>
    public int Capacity { get; }

    /// <summary>Strings remembered now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return strings.Count;
            }
        }
    }

    /// <summary>The pooled instance equal to <paramref name="value"/>, remembering <paramref name="value"/> when there is none.</summary>
    public string? Get(string? value)
    {
        if (value is null || value.Length > MaxLength)
        {
            return value;
        }

        lock (gate)
        {
            if (strings.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            if (strings.Count >= Capacity)
            {
                strings.Clear();
            }

            strings.Add(value);
            return value;
        }
    }

    /// <summary>Pools the items of <paramref name="list"/> in place (a fixed-size list, such as an array, is copied); returns the list.</summary>
    public IList<string>? List(IList<string>? list)
    {
        if (list is null)
        {
            return null;
        }

        if (list.IsReadOnly)
        {
            list = [.. list];
        }

        for (var i = 0; i < list.Count; i++)
        {
            list[i] = Get(list[i])!;
        }

        return list;
    }

    /// <summary>A copy of <paramref name="dictionary"/> with its keys and values pooled.</summary>
    public IDictionary<string, string>? Dictionary(IDictionary<string, string>? dictionary)
    {
        if (dictionary is null)
        {
            return null;
        }

        var pooled = new Dictionary<string, string>(dictionary.Count, StringComparer.Ordinal);
        foreach (var (key, value) in dictionary)
        {
            pooled[Get(key)!] = Get(value)!;
        }

        return pooled;
    }

    /// <summary>A copy of <paramref name="dictionary"/> with its keys pooled (Secret data: the values are not strings).</summary>
    public IDictionary<string, TValue>? Keys<TValue>(IDictionary<string, TValue>? dictionary)
    {
        if (dictionary is null)
        {
            return null;
        }

        var pooled = new Dictionary<string, TValue>(dictionary.Count, StringComparer.Ordinal);
        foreach (var (key, value) in dictionary)
        {
            pooled[Get(key)!] = value;
        }

        return pooled;
    }
}
