namespace ReSTEM.Core.Tasks;

/// <summary>What a task's completions are and how they are checked.</summary>
public enum TaskKind
{
    /// <summary>Completions end in a final answer compared with the gold answer (in-process).</summary>
    Math,

    /// <summary>Completions are programs run against unit tests (in the sandbox).</summary>
    Code,
}
