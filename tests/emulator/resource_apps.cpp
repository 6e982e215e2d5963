// The resource service principals every tenant has, with the real app role ids and values of the
// application permissions a backup product uses (facts section 4). Data, not code.
#include "directory.h"

namespace emu {

namespace {
struct RoleRow {
    const char* id;
    const char* value;
};

struct ResourceApp {
    const char* appId;
    const char* displayName;
    std::vector<RoleRow> roles;
};

const std::vector<ResourceApp>& resourceApps() {
    static const std::vector<ResourceApp> apps{
        {"00000003-0000-0000-c000-000000000000",
         "Microsoft Graph",
         {{"df021288-bdef-4463-88db-98f22de89214", "User.Read.All"},
          {"5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All"},
          {"62a82d76-70ea-41e2-9197-370581804d09", "Group.ReadWrite.All"},
          {"7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All"},
          {"498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All"},
          {"332a536c-c7ef-4017-ab91-336970924f0d", "Sites.Read.All"},
          {"9492366f-7969-46a4-8d15-ed1a20078fff", "Sites.ReadWrite.All"},
          {"a82116e5-55eb-4c41-a434-62fe8a61c773", "Sites.FullControl.All"},
          {"883ea226-0bf2-4a8f-9f9d-92c9162a727d", "Sites.Selected"},
          {"01d4889c-1287-42c6-ac1f-5d1e02578ef6", "Files.Read.All"},
          {"75359482-378d-4052-8f01-80520e7db3cd", "Files.ReadWrite.All"},
          {"810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read"},
          {"e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Mail.ReadWrite"},
          {"40f97065-369a-49f4-947c-6a255697ae91", "MailboxSettings.Read"},
          {"6931bccd-447a-43d1-b442-00a195474933", "MailboxSettings.ReadWrite"},
          {"798ee544-9d2d-430c-a058-570e29e34338", "Calendars.Read"},
          {"ef54d2bf-783f-4e0f-bca1-3210c0444d99", "Calendars.ReadWrite"},
          {"089fe4d0-434a-44c5-8827-41ba8a0b17f5", "Contacts.Read"},
          {"6918b873-d17a-4dc1-b314-35f528134491", "Contacts.ReadWrite"},
          {"44e666d1-d276-445b-a5fc-8815eeb81d55", "Tasks.ReadWrite.All"},
          {"0c458cef-11f3-48c2-a568-c66751c238c0", "Notes.ReadWrite.All"},
          {"7b2449af-6ccd-4f4d-9f78-e550c193f0d1", "ChannelMessage.Read.All"},
          {"6b7d71aa-70aa-4810-a8d9-5d9fb2830017", "Chat.Read.All"},
          {"bdd80a03-d9bc-451d-b7c4-ce7c63fe3c8f", "TeamSettings.ReadWrite.All"},
          {"242607bd-1d2c-432c-82eb-bdb27baa23ab", "TeamSettings.Read.All"},
          {"2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e", "Team.ReadBasic.All"},
          {"59a6b24b-4225-4393-8165-ebaec5f55d7a", "Channel.ReadBasic.All"},
          {"243cded2-bd16-4fd6-a953-ff8177894c3d", "ChannelSettings.ReadWrite.All"},
          {"35930dcf-aceb-4bd1-b99a-8ffed403c974", "ChannelMember.ReadWrite.All"},
          {"0121dc95-1b9f-4aed-8bac-58c5ac466691", "TeamMember.ReadWrite.All"},
          {"dfb0dd15-61de-45b2-be36-d6a69fba3c79", "Teamwork.Migrate.All"},
          {"230c1aed-a721-4c5d-9cb4-a90514e508ef", "Reports.Read.All"},
          {"18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy"},
          {"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All"},
          {"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All"},
          {"06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All"},
          {"19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All"},
          {"741f803b-c850-494e-b5df-cde7c675a1ca", "User.ReadWrite.All"},
          {"98830695-27a2-44f7-8c18-0c3ebc9698f6", "GroupMember.Read.All"},
          {"dbb9058a-0e50-45d7-ae91-66909b5d4664", "Domain.Read.All"},
          {"246dd0d5-5bd0-4def-940b-0421030a5b68", "Policy.Read.All"}}},
        {"00000002-0000-0ff1-ce00-000000000000",
         "Office 365 Exchange Online",
         {{"dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app"},
          {"dc50a0fb-09a3-484d-be87-e023b12c6440", "Exchange.ManageAsApp"}}},
        {"00000003-0000-0ff1-ce00-000000000000",
         "Office 365 SharePoint Online",
         {{"678536fe-1083-478a-9c59-b99265e6b0d3", "Sites.FullControl.All"},
          {"d13f72ca-a275-4b96-b789-48ebcc4da984", "Sites.Read.All"},
          {"fbcd29d2-fcca-4405-aded-518d457caae4", "Sites.ReadWrite.All"},
          {"9bff6588-13f2-4c48-bbf2-ddab62256b36", "Sites.Manage.All"},
          {"20d37865-089c-4dee-8c41-6967602d4ac8", "Sites.Selected"},
          // Same GUID as Graph's User.Read.All per third-party sources (facts 4.3, UNVERIFIED).
          {"df021288-bdef-4463-88db-98f22de89214", "User.Read.All"}}},
    };
    return apps;
}
} // namespace

void addResourceServicePrincipals(DirectoryState& state, const Tenant& tenant, TimePoint now) {
    for (const auto& app : resourceApps()) {
        if (state.findServicePrincipalByAppId(tenant.id, app.appId))
            continue;
        ServicePrincipal sp;
        sp.id = newGuid();
        sp.appId = app.appId;
        sp.tenantId = tenant.id;
        sp.displayName = app.displayName;
        for (const auto& row : app.roles)
            sp.appRoles.push_back(AppRole{row.id, row.value, row.value, {"Application"}, true});
        sp.createdAt = now;
        sp.visibleAt = now; // existed long before the emulator started
        state.servicePrincipals.emplace(sp.id, std::move(sp));
    }
}

} // namespace emu
