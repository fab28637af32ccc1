import CanCuocCore

extension [VersionedResident] {
    /// The PIN the current one replaced, from a history listed newest first (`ResidentStore.history`): the most
    /// recent earlier PIN, so a PIN re-established twice names the one cancelled last.
    public var cancelledPIN: PIN? {
        guard let current = first?.resident.pin else { return nil }
        return lazy.compactMap(\.resident.pin).first { $0 != current }
    }
}
