using AppKeys.Operator.Apis;
using AppKeys.Runtime.Informers;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// Every consumer key recorded in an Application's status, indexed in the Application cache: a consumer key is never
/// accepted for one Application while another records it.
/// </summary>
public static class ConsumerKeyIndex
{
    public const string Name = "consumerKey";

    public static IEnumerable<string> Values(V1Alpha1Application application) =>
        (application.Status?.Keys ?? []).Select(k => k.ConsumerKey).OfType<string>();

    /// <summary>Whether an Application other than <paramref name="application"/> records <paramref name="consumerKey"/>.</summary>
    public static bool TakenElsewhere(IObjectStore<V1Alpha1Application> store, V1Alpha1Application application, string consumerKey) =>
        store.ByIndex(Name, consumerKey).Any(a => a.Metadata.Uid != application.Metadata.Uid);
}
