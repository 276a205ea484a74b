namespace AppKeys.LocalApiServer.Selectors;

/// <summary>Label selector operators (apimachinery <c>pkg/selection/operator.go</c>).</summary>
public enum SelectorOperator
{
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}
