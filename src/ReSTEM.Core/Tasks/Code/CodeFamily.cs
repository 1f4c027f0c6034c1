namespace ReSTEM.Core.Tasks.Code;

/// <summary>
/// One kind of problem of the built-in code task, e.g. "add a constant". <see cref="Make"/>
/// draws the parameters and returns a concrete problem: its function name, parameter list,
/// description, human-written reference body, and how to draw inputs and compute the answer.
/// </summary>
/// <param name="Name">The family's name, stored as the problem's category (e.g. <c>add</c>, <c>clamp</c>).</param>
/// <param name="Level">Difficulty 1 (one expression) to 5 (nested loops, small algorithms).</param>
/// <param name="Make">Draws one parameterised instance.</param>
internal sealed record CodeFamily(string Name, int Level, Func<Random, CodeFamily.Instance> Make)
{
    /// <summary>A concrete problem of a family.</summary>
    /// <param name="Name">The function name; it encodes the parameters, so equal names are equal problems.</param>
    /// <param name="Parameters">The Python parameter list, e.g. <c>xs</c> or <c>a, b</c>.</param>
    /// <param name="Description">The first docstring line.</param>
    /// <param name="Body">The reference body, indented by four spaces, ending in a newline.</param>
    /// <param name="Input">Draws one argument list.</param>
    /// <param name="Expected">The correct result for an argument list.</param>
    internal sealed record Instance(string Name, string Parameters, string Description, string Body, Func<Random, object[]> Input, Func<object[], object> Expected);
}
