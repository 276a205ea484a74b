using AppKeys.Operator.Apis;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Hosting;

/// <summary>
/// Maps an Application (or its Secret) to the ApplicationKeys that reference it, from the key informer's index, so
/// that Application changes, deletions and consumer secret regenerations reach every key.
/// </summary>
public sealed class ApplicationKeyLookup
{
    public const string IndexName = "applicationRef";

    private IObjectStore<V1Alpha1ApplicationKey>? store;

    public static IEnumerable<string> IndexValues(V1Alpha1ApplicationKey key) =>
        [$"{key.Metadata.NamespaceProperty}/{key.Spec?.ApplicationRef?.Name}"];

    /// <summary>Called once the service provider exists (informers only deliver events after that).</summary>
    public void Attach(IObjectStore<V1Alpha1ApplicationKey> keyStore) => store = keyStore;

    public IEnumerable<ObjectKey> KeysOf(string? @namespace, string? applicationName) =>
        store is null || applicationName is null
            ? []
            : [.. store.ByIndex(IndexName, $"{@namespace}/{applicationName}").Select(ObjectKey.From)];

    public IEnumerable<ObjectKey> KeysOf(V1Alpha1Application application) =>
        KeysOf(application.Metadata.NamespaceProperty, application.Metadata.Name);

    /// <summary>Keys of the Application that controls <paramref name="secret"/>, if any.</summary>
    public IEnumerable<ObjectKey> KeysOfApplicationSecret(V1Secret secret) =>
        KubernetesObjects.ControllerOwner(secret) is { Kind: AppKeysApi.ApplicationKind } owner
            ? KeysOf(secret.Metadata.NamespaceProperty, owner.Name)
            : [];
}
