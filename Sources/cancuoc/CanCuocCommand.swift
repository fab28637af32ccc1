import ArgumentParser

@main
struct CanCuocCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancuoc",
        abstract: "Population register and chip identity cards for a provincial police department.",
        subcommands: [ServeCommand.self, SeedCommand.self, ImportCommand.self, ExportCommand.self, UnitsCommand.self, PINCommand.self,
                      UserCommand.self, TokenCommand.self, AuditCommand.self, KeysCommand.self, PKICommand.self, CardCommand.self, MRZCommand.self, CalendarCommand.self, ApplicationsCommand.self, BatchesCommand.self])
}
