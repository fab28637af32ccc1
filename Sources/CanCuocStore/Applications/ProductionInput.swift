import CanCuocCore
import Foundation

/// What personalising one batch item needs, read for a whole group of items at once: the application (without
/// its events), its resident's current record, the PIN that record's PIN replaced when it was re-established
/// (printed in the 2024 card's QR code), and the face captured at intake, still sealed.
public struct ProductionInput: Sendable {
    public var applicationID: Int64
    /// nil when the application is gone.
    public var application: ApplicationRecord?
    /// nil when the resident's record is gone.
    public var resident: Resident?
    public var cancelledPIN: PIN?
    /// nil when no face was captured (or it was declared impossible).
    public var face: StoredBiometric?

    public init(applicationID: Int64, application: ApplicationRecord?, resident: Resident?, cancelledPIN: PIN?, face: StoredBiometric?) {
        self.applicationID = applicationID
        self.application = application
        self.resident = resident
        self.cancelledPIN = cancelledPIN
        self.face = face
    }
}
