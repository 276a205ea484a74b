namespace AppKeys.LocalApiServer.Schema;

/// <summary>A CEL expression failed at run time; the message is cel-go's error text (<c>no such key: x</c>, <c>division by zero</c>).</summary>
public sealed class CelEvaluationException(string message) : Exception(message)
{
    public CelEvaluationException()
        : this("evaluation failed")
    {
    }

    public CelEvaluationException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
