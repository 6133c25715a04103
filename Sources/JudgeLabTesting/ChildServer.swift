// A server a test starts as a child process, which announces its port on its first line.
import Foundation
import JudgeLab

/// A server a test starts as a child process, which announces its port on its first line.
public enum ChildServer {
    /// Starts `process` (its standard output becomes a pipe) and reads "PORT <n>" from it.
    public static func start(_ process: Process, name: String) throws -> Int {
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = [UInt8]()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first, first != 10 else { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "PORT ", with: "")) else {
            stop(process)
            throw InputError(file: name, "did not start")
        }
        return port
    }

    /// SIGKILL: a child started from a libdispatch worker thread inherits its blocked signal
    /// mask, so SIGTERM could stay pending for ever.
    public static func stop(_ process: Process) {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
