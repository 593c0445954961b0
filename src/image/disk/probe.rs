//! What a partition holds, by the magic at its start: a file system (so
//! the caller knows whether it has a reader for it) or an encrypted volume
//! (reported as such, never guessed at).

use super::ReadAt;

/// The content of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    FileSystem(FsKind),
    Encrypted(Encryption),
    /// No known magic (swap, LVM, an empty or unknown partition).
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsKind {
    Ntfs,
    Ext2,
    Ext3,
    Ext4,
    Fat12,
    Fat16,
    Fat32,
    ExFat,
    Xfs,
    Btrfs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    BitLocker,
    Luks,
}

impl Content {
    pub fn name(self) -> &'static str {
        match self {
            Content::FileSystem(f) => f.name(),
            Content::Encrypted(Encryption::BitLocker) => "BitLocker (encrypted)",
            Content::Encrypted(Encryption::Luks) => "LUKS (encrypted)",
            Content::Unknown => "unknown",
        }
    }
}

impl FsKind {
    pub fn name(self) -> &'static str {
        match self {
            FsKind::Ntfs => "NTFS",
            FsKind::Ext2 => "ext2",
            FsKind::Ext3 => "ext3",
            FsKind::Ext4 => "ext4",
            FsKind::Fat12 => "FAT12",
            FsKind::Fat16 => "FAT16",
            FsKind::Fat32 => "FAT32",
            FsKind::ExFat => "exFAT",
            FsKind::Xfs => "XFS",
            FsKind::Btrfs => "btrfs",
        }
    }
}

/// Reads the few sectors the magics live in (the boot sector, the ext
/// superblock at 1 KiB, the btrfs superblock at 64 KiB) and names the
/// content. A read error or a short partition is `Unknown`.
pub fn probe(part: &dyn ReadAt) -> Content {
    let mut head = [0u8; 2048];
    let n = part.read_at(&mut head, 0).unwrap_or(0);
    let head = &head[..n];
    let at = |o: usize, m: &[u8]| head.get(o..o + m.len()) == Some(m);
    if at(0, b"LUKS\xba\xbe") {
        return Content::Encrypted(Encryption::Luks);
    }
    if at(3, b"-FVE-FS-") {
        return Content::Encrypted(Encryption::BitLocker);
    }
    if at(3, b"NTFS    ") {
        return Content::FileSystem(FsKind::Ntfs);
    }
    if at(3, b"EXFAT   ") {
        return Content::FileSystem(FsKind::ExFat);
    }
    if at(0, b"XFSB") {
        return Content::FileSystem(FsKind::Xfs);
    }
    if let Some(fat) = fat(head) {
        return Content::FileSystem(fat);
    }
    if let Some(ext) = ext(head) {
        return Content::FileSystem(ext);
    }
    let mut btrfs = [0u8; 8];
    if part.read_exact_at(&mut btrfs, 0x10040).is_ok() && &btrfs == b"_BHRfS_M" {
        return Content::FileSystem(FsKind::Btrfs);
    }
    Content::Unknown
}

fn le16(b: &[u8], o: usize) -> u32 {
    b.get(o..o + 2)
        .map_or(0, |s| u32::from(u16::from_le_bytes([s[0], s[1]])))
}

fn le32(b: &[u8], o: usize) -> u32 {
    b.get(o..o + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// A FAT boot sector: the BIOS parameter block must be plausible; the FAT
/// type follows from the cluster count (Microsoft's rule), not the label.
fn fat(b: &[u8]) -> Option<FsKind> {
    if b.len() < 512 || b[510..512] != [0x55, 0xAA] || !matches!(b[0], 0xEB | 0xE9) {
        return None;
    }
    let bps = le16(b, 11);
    let spc = u32::from(b[13]);
    let reserved = le16(b, 14);
    let fats = u32::from(b[16]);
    let root_entries = le16(b, 17);
    if !matches!(bps, 512 | 1024 | 2048 | 4096)
        || !spc.is_power_of_two()
        || reserved == 0
        || fats == 0
    {
        return None;
    }
    let total = match le16(b, 19) {
        0 => le32(b, 32),
        n => n,
    };
    let fat_size = match le16(b, 22) {
        0 => le32(b, 36),
        n => n,
    };
    if le16(b, 22) == 0 && root_entries == 0 {
        return Some(FsKind::Fat32);
    }
    // In u64: a boot sector's fields multiplied can pass u32 (found by the
    // disk_scan fuzz target).
    let (fats, fat_size, total) = (u64::from(fats), u64::from(fat_size), u64::from(total));
    let root_sectors = (u64::from(root_entries) * 32).div_ceil(u64::from(bps));
    let meta = u64::from(reserved) + fats * fat_size + root_sectors;
    let clusters = total.checked_sub(meta)? / u64::from(spc);
    Some(if clusters < 4085 {
        FsKind::Fat12
    } else if clusters < 65525 {
        FsKind::Fat16
    } else {
        FsKind::Fat32
    })
}

/// The ext superblock at 1 KiB: ext4 when any feature beyond ext3's is
/// on, ext3 with a journal, else ext2.
fn ext(b: &[u8]) -> Option<FsKind> {
    if le16(b, 1024 + 56) != 0xEF53 {
        return None;
    }
    let compat = le32(b, 1024 + 0x5C);
    let incompat = le32(b, 1024 + 0x60);
    let ro_compat = le32(b, 1024 + 0x64);
    // ext3 knows: compression (1), filetype (2), recover (4), journal
    // device (8), meta_bg (0x10); sparse_super, large_file, btree_dir (ro).
    Some(if incompat & !0x1F != 0 || ro_compat & !0x7 != 0 {
        FsKind::Ext4
    } else if compat & 0x4 != 0 {
        FsKind::Ext3
    } else {
        FsKind::Ext2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_volumes_are_named_by_their_magic() {
        let mut luks = vec![0u8; 4096];
        luks[..6].copy_from_slice(b"LUKS\xba\xbe");
        assert_eq!(probe(&luks), Content::Encrypted(Encryption::Luks));
        let mut bl = vec![0u8; 4096];
        bl[3..11].copy_from_slice(b"-FVE-FS-");
        assert_eq!(probe(&bl), Content::Encrypted(Encryption::BitLocker));
        assert_eq!(probe(&vec![0u8; 4096]), Content::Unknown);
        assert_eq!(probe(&Vec::new()), Content::Unknown);
    }

    #[test]
    fn exfat_is_not_taken_for_fat() {
        let mut x = vec![0u8; 4096];
        x[..3].copy_from_slice(&[0xEB, 0x76, 0x90]);
        x[3..11].copy_from_slice(b"EXFAT   ");
        x[510..512].copy_from_slice(&[0x55, 0xAA]);
        assert_eq!(probe(&x), Content::FileSystem(FsKind::ExFat));
    }

    #[test]
    fn a_fat_boot_sector_with_huge_fields_is_no_overflow() {
        // Two FATs of 0xFFFFFFFF sectors: the product passes u32.
        let mut b = vec![0u8; 4096];
        b[..3].copy_from_slice(&[0xEB, 0x3C, 0x90]);
        b[11..13].copy_from_slice(&512u16.to_le_bytes());
        b[13] = 1;
        b[14..16].copy_from_slice(&1u16.to_le_bytes());
        b[16] = 2;
        b[17..19].copy_from_slice(&512u16.to_le_bytes());
        b[19..21].copy_from_slice(&0u16.to_le_bytes());
        b[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
        b[22..24].copy_from_slice(&0u16.to_le_bytes());
        b[36..40].copy_from_slice(&u32::MAX.to_le_bytes());
        b[510..512].copy_from_slice(&[0x55, 0xAA]);
        // More metadata than sectors: no FAT at all.
        assert_eq!(probe(&b), Content::Unknown);
    }

    #[test]
    fn xfs_and_btrfs_magics() {
        let mut x = vec![0u8; 4096];
        x[..4].copy_from_slice(b"XFSB");
        assert_eq!(probe(&x), Content::FileSystem(FsKind::Xfs));
        let mut b = vec![0u8; 0x10100];
        b[0x10040..0x10048].copy_from_slice(b"_BHRfS_M");
        assert_eq!(probe(&b), Content::FileSystem(FsKind::Btrfs));
    }
}
