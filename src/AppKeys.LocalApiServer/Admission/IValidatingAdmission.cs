using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Resources;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>
/// A validating admission check: runs on create and update (every PUT, PATCH and apply) after the object passed
/// validation, as kube-apiserver runs validating admission after the strategy's validation. Throws an
/// <c>ApiException</c> to refuse the write.
/// </summary>
public interface IValidatingAdmission
{
    void Validate(ApiResourceInfo resource, string? ns, string name, string? subresource, JsonObject? old, JsonObject candidate, WriteOptions options);
}
