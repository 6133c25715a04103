// The `judgelab` command: parses arguments and calls the library. No logic lives here.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabXML

@main
struct JudgeLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judgelab",
        abstract: "Find the LLM-judge prompt that agrees best with human labels, at the lowest cost.",
        version: JudgeLabVersion.text,
        subcommands: [DemoCommand.self, InitCommand.self, VariantsCommand.self, PreviewCommand.self, EstimateCommand.self, RunCommand.self, ReportCommand.self, DataCommand.self, SampleCommand.self, AnalyzeCommand.self, CompareCommand.self, ImportCommand.self, VersionCommand.self]
    )
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show versions of JudgeLab and the C libraries it uses.")

    func run() throws {
        print("judgelab \(JudgeLabVersion.text)")
        print("libcurl \(Curl.version)\(Curl.supportsHTTP2 ? ", HTTP/2" : "")")
        print("libxml2 \(LibXML2.version)")
    }
}

/// Runs a command body; bad input becomes one line on standard error and exit status 2.
func reportingInputErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InputError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// The async form of `reportingInputErrors`; store and disk errors also become one line.
func reportingInputErrorsAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as InputError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
