using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// What one kind adds to the common write path (<see cref="ResourceService"/>'s <c>Commit</c>), after kube-apiserver's
/// per-kind REST strategies (rest.RESTCreateStrategy / RESTUpdateStrategy: PrepareForCreate, PrepareForUpdate, ...).
/// Registered by group and resource in <see cref="ResourceStrategies"/>; a kind without one gets only the common
/// path. Called for built-in kinds on writes of the main resource (not of the status subresource), after the
/// built-in defaulting and before system metadata, validation and admission.
/// </summary>
internal interface IResourceStrategy
{
    /// <summary>Adjusts an object about to be created (allocation, derived fields); may throw a Status error.</summary>
    void PrepareForCreate(ApiResourceInfo r, string? ns, JsonObject candidate);

    /// <summary>Adjusts the new version of a stored object; <paramref name="old"/> is the stored one.</summary>
    void PrepareForUpdate(ApiResourceInfo r, string? ns, JsonObject old, JsonObject candidate);
}
