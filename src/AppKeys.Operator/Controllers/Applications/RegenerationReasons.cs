namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Why a consumer secret was regenerated (a bounded set: also the <c>reason</c> label of the regeneration counter).</summary>
public static class RegenerationReasons
{
    /// <summary>The <c>appkeys.io/regenerate-secret</c> annotation carried a new value.</summary>
    public const string Requested = "requested";

    /// <summary>The secret was older than <c>spec.secretRotation.periodSeconds</c>.</summary>
    public const string Periodic = "periodic";

    /// <summary>No record yet and the stored secret was malformed: replaced; it gets no grace period.</summary>
    public const string Repaired = "repaired";

    /// <summary>The secret in the Secret is not the one the operator generated (its digest differs from status): replaced, no grace period.</summary>
    public const string Tampered = "tampered";

    /// <summary>The secret could not be recovered (Secret deleted, or the value removed): a new one, consumer key kept.</summary>
    public const string Lost = "lost";

    /// <summary>Reasons that are repairs of something done to the Secret (a Warning, not a Normal event).</summary>
    public static bool IsRepair(string reason) => reason is Tampered or Lost;
}
