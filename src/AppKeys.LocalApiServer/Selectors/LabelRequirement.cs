using System.Globalization;
using System.Text;

namespace AppKeys.LocalApiServer.Selectors;

/// <summary>One requirement of a label selector: a key, an operator and (for most operators) values.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Same semantics as apimachinery <c>Requirement.Matches</c> (labels/selector.go).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case SelectorOperator.In or SelectorOperator.Equals or SelectorOperator.DoubleEquals:
                return has && Contains(value!);
            case SelectorOperator.NotIn or SelectorOperator.NotEquals:
                return !has || !Contains(value!);
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            case SelectorOperator.GreaterThan or SelectorOperator.LessThan:
                if (!has || Values.Count != 1
                    || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
                    || !long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
                {
                    return false;
                }

                return Operator == SelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private bool Contains(string value)
    {
        foreach (var v in Values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Canonical text as apimachinery prints it (values sorted).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == SelectorOperator.DoesNotExist)
        {
            sb.Append('!');
        }

        sb.Append(Key);
        switch (Operator)
        {
            case SelectorOperator.Exists or SelectorOperator.DoesNotExist:
                return sb.ToString();
            case SelectorOperator.Equals:
                sb.Append('=');
                break;
            case SelectorOperator.DoubleEquals:
                sb.Append("==");
                break;
            case SelectorOperator.NotEquals:
                sb.Append("!=");
                break;
            case SelectorOperator.GreaterThan:
                sb.Append('>');
                break;
            case SelectorOperator.LessThan:
                sb.Append('<');
                break;
            case SelectorOperator.In:
                sb.Append(" in (");
                break;
            case SelectorOperator.NotIn:
                sb.Append(" notin (");
                break;
        }

        var sorted = Values.ToList();
        sorted.Sort(StringComparer.Ordinal);
        sb.Append(string.Join(',', sorted));
        if (Operator is SelectorOperator.In or SelectorOperator.NotIn)
        {
            sb.Append(')');
        }

        return sb.ToString();
    }
}
