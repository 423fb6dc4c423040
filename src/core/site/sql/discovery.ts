// Discovery data: users (v_R_User + v_RA_User_UserGroupName), user groups (v_R_UserGroup),
// devices (v_R_System) and user-device affinity (v_UsersPrimaryMachines).
import type { Affinity, Device, SiteSystem, User, UserGroup } from '../model';
import type { SqlConnection } from './connection';

type UserRow = {
  ResourceID: number;
  Unique_User_Name0: string | null;
  User_Name0: string | null;
  Windows_NT_Domain0: string | null;
  Full_User_Name0: string | null;
  User_Principal_Name0: string | null;
  Mail0: string | null;
  SID0: string | null;
};

// Streamed (SqlConnection.each): a 100k-user site's rows are made into users as they arrive, not held beside them.
export async function readUsers(db: SqlConnection, signal?: AbortSignal): Promise<User[]> {
  const groups = new Map<number, string[]>();
  await db.each<{ ResourceID: number; User_Group_Name0: string }>(
    'v_RA_User_UserGroupName',
    'SELECT ResourceID, User_Group_Name0 FROM v_RA_User_UserGroupName ORDER BY ResourceID',
    [],
    (m) => {
      const list = groups.get(m.ResourceID);
      if (list) list.push(m.User_Group_Name0);
      else groups.set(m.ResourceID, [m.User_Group_Name0]);
    },
    signal,
  );
  const users: User[] = [];
  await db.each<UserRow>(
    'v_R_User',
    'SELECT ResourceID, Unique_User_Name0, User_Name0, Windows_NT_Domain0, Full_User_Name0, User_Principal_Name0, Mail0, SID0 FROM v_R_User ORDER BY ResourceID',
    [],
    (u) => {
      const domain = u.Windows_NT_Domain0 ?? '';
      users.push({
        resourceId: u.ResourceID,
        uniqueName: u.Unique_User_Name0 ?? (domain ? `${domain}\\${u.User_Name0 ?? ''}` : (u.User_Name0 ?? '')),
        domain,
        fullName: u.Full_User_Name0,
        upn: u.User_Principal_Name0 || null,
        mail: u.Mail0 || null,
        sid: u.SID0 || null,
        groupNames: (groups.get(u.ResourceID) ?? []).sort(),
      });
    },
    signal,
  );
  return users;
}

export async function readUserGroups(db: SqlConnection, signal?: AbortSignal): Promise<UserGroup[]> {
  const rows = await db.query<{
    ResourceID: number;
    Name0: string | null;
    Usergroup_Name0: string | null;
    Unique_Usergroup_Name0: string | null;
    Windows_NT_Domain0: string | null;
    SID0: string | null;
  }>(
    'v_R_UserGroup',
    'SELECT ResourceID, Name0, Usergroup_Name0, Unique_Usergroup_Name0, Windows_NT_Domain0, SID0 FROM v_R_UserGroup ORDER BY ResourceID',
    [],
    signal,
  );
  return rows.map((g) => ({
    resourceId: g.ResourceID,
    uniqueName: g.Unique_Usergroup_Name0 ?? g.Name0 ?? '',
    name: g.Usergroup_Name0 ?? (g.Name0 ?? '').replace(/^.*\\/, ''),
    domain: g.Windows_NT_Domain0 ?? '',
    sid: g.SID0 || null,
  }));
}

export async function readDevices(db: SqlConnection, signal?: AbortSignal): Promise<Device[]> {
  const devices: Device[] = [];
  await db.each<{ ResourceID: number; Netbios_Name0: string | null }>(
    'v_R_System',
    'SELECT ResourceID, Netbios_Name0 FROM v_R_System ORDER BY ResourceID',
    [],
    (d) => devices.push({ resourceId: d.ResourceID, name: d.Netbios_Name0 ?? '' }),
    signal,
  );
  return devices;
}

export async function readAffinities(db: SqlConnection, signal?: AbortSignal): Promise<Affinity[]> {
  const affinities: Affinity[] = [];
  await db.each<{ UserResourceID: number; MachineID: number }>(
    'v_UsersPrimaryMachines',
    'SELECT UserResourceID, MachineID FROM v_UsersPrimaryMachines ORDER BY UserResourceID, MachineID',
    [],
    (a) => affinities.push({ userResourceId: a.UserResourceID, deviceResourceId: a.MachineID }),
    signal,
  );
  return affinities;
}

/** Site system roles (`v_SystemResourceList`): phase 2 needs the certificate registration point's host. */
export async function readSiteSystems(db: SqlConnection, signal?: AbortSignal): Promise<SiteSystem[]> {
  const rows = await db.query<{ ServerName: string | null; RoleName: string | null }>(
    'v_SystemResourceList',
    'SELECT ServerName, RoleName FROM v_SystemResourceList ORDER BY ServerName, RoleName',
    [],
    signal,
  );
  return rows.filter((r) => r.ServerName && r.RoleName).map((r) => ({ serverName: r.ServerName!, roleName: r.RoleName! }));
}

/** The site's build (`v_Site.BuildNumber`, 8458 = 1610), phase 4's gate; undefined when the row is missing. */
export async function readSiteBuild(db: SqlConnection, siteCode: string, signal?: AbortSignal): Promise<number | undefined> {
  const rows = await db.query<{ SiteCode: string | null; BuildNumber: number | null }>(
    'v_Site',
    'SELECT SiteCode, BuildNumber FROM v_Site',
    [],
    signal,
  );
  const row = rows.find((r) => (r.SiteCode ?? '').toUpperCase() === siteCode.toUpperCase());
  return typeof row?.BuildNumber === 'number' ? row.BuildNumber : undefined;
}
