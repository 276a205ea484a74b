namespace AppKeys.Runtime.Informers;

/// <summary>What happened to a cached object.</summary>
public enum InformerEventType
{
    /// <summary>The object appeared (watch ADDED, or found by a (re-)list).</summary>
    Added,

    /// <summary>The object changed.</summary>
    Modified,

    /// <summary>The object is gone (watch DELETED, or missing from a re-list after 410 Expired).</summary>
    Deleted,

    /// <summary>Periodic resync: the object is unchanged, delivered again so controllers re-check it.</summary>
    Resync,
}
