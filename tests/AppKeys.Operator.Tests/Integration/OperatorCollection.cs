namespace AppKeys.Operator.Tests.Integration;

/// <summary>The integration tests share one API server and operator and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class OperatorCollection : ICollectionFixture<OperatorFixture>
{
    public const string Name = "operator";
}
