using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>What an Application's credentials are planned from.</summary>
/// <param name="ExistingData">Data of the Secret the Application controls (under its current name, or its former one during a rename); null when there is none.</param>
/// <param name="Recorded">The operator's record: the Application's status (identity, digests, times). Null or incomplete only before the first write or after an upgrade.</param>
/// <param name="ObservedRequest">Digest of the last honoured regenerate request.</param>
/// <param name="RegenerateAnnotation">Current value of the regenerate annotation on the Application.</param>
/// <param name="EnabledKeyTypes">Key types the spec enables.</param>
/// <param name="Rotation">The effective <c>spec.secretRotation</c>; null: no rotation (nothing time-dependent is stored).</param>
/// <param name="Now">The current time.</param>
/// <param name="TakenElsewhere">Whether a consumer key is recorded by another Application (anywhere in the cluster).</param>
public sealed record CredentialsObservation(
    IDictionary<string, byte[]>? ExistingData,
    V1Alpha1ApplicationStatus? Recorded,
    string? ObservedRequest,
    string? RegenerateAnnotation,
    IReadOnlyList<string> EnabledKeyTypes,
    SecretRotationSettings? Rotation,
    DateTimeOffset Now,
    Func<string, bool> TakenElsewhere);
