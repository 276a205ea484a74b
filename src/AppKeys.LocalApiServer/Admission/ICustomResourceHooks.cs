using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>Schema-driven behaviour of custom resources and CRDs (validation, pruning, defaulting).</summary>
public interface ICustomResourceHooks
{
    /// <summary>Validates, prunes and defaults <paramref name="candidate"/> on write; unknown fields per <paramref name="mode"/>.</summary>
    void Validate(ApiResourceInfo resource, JsonObject? old, JsonObject candidate, List<FieldCause> errors,
        List<string> warnings, FieldValidationMode mode);

    /// <summary>Applies schema defaults to an object being served (kube defaults on read too).</summary>
    void ApplyDefaultsOnRead(ApiResourceInfo resource, JsonObject obj);
}
