namespace AppKeys.E2E.Tests;

/// <summary>The native chaos run goes alone (after the parallel collections): its processes are not starved by other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeChaosCollection
{
    public const string Name = "native-chaos";
}
