namespace AppKeys.Operator.Tests.Chaos;

/// <summary>The chaos scenario runs alone (after the parallel collections), so it is not starved by other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
