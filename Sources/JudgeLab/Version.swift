// JudgeLab's version, shown by the CLI and written into reports.

public enum JudgeLabVersion {
    public static let text = "0.1.0"
}
