namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Why a consumer secret was regenerated (a bounded set: also the <c>reason</c> label of the regeneration counter).</summary>
public static class RegenerationReasons
{
    /// <summary>The <c>appkeys.io/regenerate-secret</c> annotation carried a new value.</summary>
    public const string Requested = "requested";

    /// <summary>The secret was older than <c>spec.secretRotation.periodSeconds</c>.</summary>
    public const string Periodic = "periodic";

    /// <summary>The stored secret was malformed (edited by hand) and was replaced; it gets no grace period.</summary>
    public const string Repaired = "repaired";
}
